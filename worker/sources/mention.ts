import { z } from 'zod'

export const platforms = ['x', 'bluesky', 'mastodon', 'demo'] as const
export type Platform = (typeof platforms)[number]

// X allows 25,000 characters for subscribers; Mastodon servers may raise their own limit.
// Anything longer is not a post a person wrote.
export const maxMentionLength = 25_000

const id = z.string().trim().min(1, 'is empty').max(256, 'is longer than 256 characters')
const optionalText = (max: number) => z.string().max(max).nullable()

/** A post's text as Earshot stores it: non-empty, bounded, and free of NUL, which PostgreSQL refuses. */
export const mentionText = z
  .string()
  .max(maxMentionLength, `is longer than ${maxMentionLength} characters`)
  .refine((text) => text.trim().length > 0, 'is empty')
  .refine((text) => !text.includes('\u0000'), 'contains a NUL character')

const count = z.number().int().nonnegative()

/** One mention in the shape every source hands back, whatever the platform. */
export const normalizedMention = z.object({
  platform: z.enum(platforms),
  externalId: id,
  author: z.object({
    platformUserId: id,
    handle: id,
    displayName: optionalText(500),
    followers: count.nullable(),
    verified: z.boolean(),
    profileUrl: optionalText(2000),
  }),
  text: mentionText,
  languageHint: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/)
    .nullable(),
  postedAt: z.date(),
  conversationId: id.nullable(),
  inReplyToId: id.nullable(),
  url: optionalText(2000),
  engagement: z.object({ reposts: count, replies: count, likes: count, quotes: count }).partial(),
  /** A direct message or a direct-visibility status: answered in private, never in public. */
  private: z.boolean().optional(),
  /** The item exactly as the platform sent it, kept for audits and re-classification. */
  raw: z.unknown(),
})

export type NormalizedMention = z.infer<typeof normalizedMention>

/** An item a source could not turn into a mention; it is stored with the reason, never dropped. */
export interface RejectedItem {
  externalId: string | null
  reason: string
  raw: unknown
}

/** Turns zod's issues into one readable reason, e.g. "text: is empty; author.handle: is empty". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ')
}
