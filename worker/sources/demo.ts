import { z } from 'zod'
import type { SourceDriver } from './driver'
import { describeIssues, normalizedMention, type NormalizedMention, type RejectedItem } from './mention'
import type { FetchOptions, FetchResult, MentionSource } from './source'
import demoMentions from './demo/mentions.json' with { type: 'json' }

export const demoSettings = z.object({
  /** Minutes of the recorded week that pass per real minute; 60 replays an hour a minute. */
  speed: z.number().positive().max(100_000).default(60),
  /** Start over when the week has been replayed, with new ids, so a demo never runs dry. */
  loop: z.boolean().default(true),
  /** The most mentions one poll hands over, so that a long pause does not arrive as a flood. */
  max_per_poll: z.number().int().min(1).max(10_000).default(200),
})
export type DemoSettings = z.infer<typeof demoSettings>

const recorded = z.object({
  id: z.string().min(1),
  at: z.number().nonnegative(),
  author: z.object({
    id: z.string().min(1),
    handle: z.string().min(1),
    name: z.string(),
    followers: z.number().int().nonnegative(),
    verified: z.boolean(),
  }),
  lang: z.string(),
  text: z.string(),
  replyTo: z.string().nullable(),
  likes: z.number().int().nonnegative(),
  reposts: z.number().int().nonnegative(),
})
type Recorded = z.infer<typeof recorded>

const cursorSchema = z.object({ startedAt: z.iso.datetime(), next: z.number().int().nonnegative(), round: z.number().int().nonnegative() })
type DemoCursor = z.infer<typeof cursorSchema>

/** The bundled week of mentions, in the order they are replayed. */
export const demoRecording: unknown[] = demoMentions

export const demoDriver: SourceDriver<typeof demoSettings> = {
  platform: 'demo',
  kinds: ['replay'],
  settings: demoSettings,
  create: (source) => new DemoReplay(source.settings),
}

/**
 * Replays the recording as if it were happening now: an item recorded `at` minutes into the
 * week appears `at / speed` real minutes after the replay started.
 */
export class DemoReplay implements MentionSource {
  readonly platform = 'demo'

  constructor(
    private readonly settings: DemoSettings,
    private readonly recording: unknown[] = demoRecording,
  ) {}

  async fetchNew(cursor: string | null, { now }: FetchOptions): Promise<FetchResult> {
    let position = parseCursor(cursor) ?? { startedAt: now.toISOString(), next: 0, round: 0 }
    const result: FetchResult = { mentions: [], rejected: [], skipped: 0, nextCursor: null, rateLimit: null }
    if (position.next >= this.recording.length) {
      if (!this.settings.loop) return { ...result, nextCursor: JSON.stringify(position) }
      position = { startedAt: now.toISOString(), next: 0, round: position.round + 1 }
    }
    const startedAt = new Date(position.startedAt).getTime()
    const replayedMinutes = ((now.getTime() - startedAt) / 60_000) * this.settings.speed
    let next = position.next
    while (next < this.recording.length && result.mentions.length + result.rejected.length < this.settings.max_per_poll) {
      const raw = this.recording[next]
      const item = recorded.safeParse(raw)
      if (item.success && item.data.at > replayedMinutes) break
      next++
      const outcome = item.success
        ? toMention(item.data, position.round, startedAt, this.settings.speed)
        : { rejected: { externalId: null, reason: describeIssues(item.error), raw } }
      if ('mention' in outcome) result.mentions.push(outcome.mention)
      else result.rejected.push(outcome.rejected)
    }
    return { ...result, nextCursor: JSON.stringify({ ...position, next } satisfies DemoCursor) }
  }
}

function toMention(
  item: Recorded,
  round: number,
  startedAt: number,
  speed: number,
): { mention: NormalizedMention } | { rejected: RejectedItem } {
  const externalId = `${round}:${item.id}`
  const mention = normalizedMention.safeParse({
    platform: 'demo',
    externalId,
    author: {
      // The same people come back every round, as real repeat customers do.
      platformUserId: item.author.id,
      handle: item.author.handle,
      displayName: item.author.name,
      followers: item.author.followers,
      verified: item.author.verified,
      profileUrl: null,
    },
    text: item.text,
    languageHint: item.lang,
    postedAt: new Date(startedAt + (item.at / speed) * 60_000),
    conversationId: null,
    inReplyToId: item.replyTo ? `${round}:${item.replyTo}` : null,
    url: null,
    engagement: { likes: item.likes, reposts: item.reposts },
    raw: item,
  })
  return mention.success
    ? { mention: mention.data }
    : { rejected: { externalId, reason: describeIssues(mention.error), raw: item } }
}

function parseCursor(cursor: string | null): DemoCursor | null {
  if (!cursor) return null
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(cursor))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}
