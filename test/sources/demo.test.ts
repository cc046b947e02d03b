// The demo replay: the bundled week of mentions is valid, replays on schedule, never repeats
// within a round and starts a new round when it runs out.
import { describe, expect, it } from 'vitest'
import { DemoReplay, demoRecording, demoSettings } from '../../worker/sources/demo'
import type { FetchResult } from '../../worker/sources/source'

const start = new Date('2026-11-20T09:00:00Z')
const minutes = (n: number) => new Date(start.getTime() + n * 60_000)
const settings = (overrides = {}) => demoSettings.parse({ max_per_poll: 10_000, ...overrides })
const fetch = (replay: DemoReplay, cursor: string | null, now: Date): Promise<FetchResult> =>
  replay.fetchNew(cursor, { signal: new AbortController().signal, now })

describe('the bundled recording', () => {
  it('is a few hundred valid mentions in six languages', async () => {
    const all = await fetch(new DemoReplay(settings({ speed: 100_000 })), null, start)
    const later = await fetch(new DemoReplay(settings({ speed: 100_000 })), all.nextCursor, minutes(1))
    const mentions = [...all.mentions, ...later.mentions]
    expect(all.rejected.concat(later.rejected)).toEqual([])
    expect(mentions.length).toBe(demoRecording.length)
    expect(mentions.length).toBeGreaterThanOrEqual(250)
    const languages = new Set(mentions.map((mention) => mention.languageHint))
    expect([...languages].sort()).toEqual(['de', 'en', 'es', 'et', 'it', 'ru'])
    // People come back: repeat contact is what the demo must show.
    const byAuthor = new Map<string, number>()
    for (const mention of mentions) byAuthor.set(mention.author.platformUserId, (byAuthor.get(mention.author.platformUserId) ?? 0) + 1)
    expect([...byAuthor.values()].filter((count) => count >= 3).length).toBeGreaterThanOrEqual(5)
    expect(mentions.some((mention) => /TTJA|regulator|регулятор/i.test(mention.text))).toBe(true)
  })
})

describe('DemoReplay', () => {
  it('hands out at once what was recorded at the start, then the rest on schedule', async () => {
    const replay = new DemoReplay(settings({ speed: 60 }))
    const first = await fetch(replay, null, start)
    expect(first.mentions.length).toBeGreaterThan(0)
    const firstAt = first.mentions.map((mention) => mention.postedAt.getTime())
    expect(Math.max(...firstAt)).toBe(start.getTime())

    // One real minute at speed 60 is the first recorded hour.
    const next = await fetch(replay, first.nextCursor, minutes(1))
    for (const mention of next.mentions) expect(mention.postedAt.getTime()).toBeLessThanOrEqual(minutes(1).getTime())
    const ids = [...first.mentions, ...next.mentions].map((mention) => mention.externalId)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids[0]).toMatch(/^0:/)
  })

  it('never hands out more than max_per_poll at once', async () => {
    const replay = new DemoReplay(settings({ speed: 100_000, max_per_poll: 25 }))
    const first = await fetch(replay, null, start)
    const result = await fetch(replay, first.nextCursor, minutes(10))
    expect(result.mentions).toHaveLength(25)
  })

  it('starts a new round with new ids when the recording runs out, or stops when not looping', async () => {
    const recording = demoRecording.slice(0, 3)
    const looping = new DemoReplay(settings({ speed: 100_000 }), recording)
    const first = await fetch(looping, null, minutes(100))
    expect(first.mentions).toHaveLength(3)
    const second = await fetch(looping, first.nextCursor, minutes(101))
    expect(second.mentions[0]!.externalId).toMatch(/^1:/)

    const once = new DemoReplay(settings({ speed: 100_000, loop: false }), recording)
    const done = await fetch(once, first.nextCursor, minutes(101))
    expect(done.mentions).toEqual([])
  })

  it('rejects a broken recorded item and goes on with the next', async () => {
    const recording = [{ id: 'bad', at: 0 }, ...demoRecording.slice(0, 2)]
    const result = await fetch(new DemoReplay(settings(), recording), null, start)
    expect(result.rejected).toHaveLength(1)
    expect(result.rejected[0]!.reason).toMatch(/author/)
  })
})
