// Presence on a case: who else has it open (seen in the last 30 s) and who is typing (said so in
// the last 10 s). Time is passed in, so nothing here sleeps.
import { beforeAll, describe, expect, it } from 'vitest'
import { collabRoutes } from '../../worker/cases/collab-routes'
import { heartbeat, presentOthers, prunePresence } from '../../worker/cases/presence'
import { useCareApi, type Person } from '../support/care-api'

const care = useCareApi(collabRoutes, 'presence')
const { newCase } = care
const people: Record<string, Person> = {}

beforeAll(async () => {
  for (const [key, name] of [['anna', 'Anna Agent'], ['boris', 'Boris Ivanov'], ['carla', 'Carla Kask']] as const) {
    people[key] = await care.person({ email: `${key}@presence.example`, name })
  }
  people.marketing = await care.marketer('mark@presence.example')
})

const t0 = new Date('2026-11-20T09:00:00Z')
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000)
const beat = (caseId: string, who: string, typing: boolean, seconds: number) =>
  heartbeat(care.db.sql, { caseId, userId: people[who]!.id, typing, now: at(seconds) })
const seenBy = async (caseId: string, who: string, seconds: number) =>
  (await presentOthers(care.db.sql, { caseId, userId: people[who]!.id, now: at(seconds) }))?.map((p) => [p.name, p.typing])

describe('heartbeat and presentOthers', () => {
  it('shows the others on the case, never the asker, with their name and when they were seen', async () => {
    const caseId = await newCase()
    expect(await beat(caseId, 'anna', false, 0)).toEqual([])
    const present = await beat(caseId, 'boris', true, 1)
    expect(present).toEqual([{ user_id: people.anna!.id, name: 'Anna Agent', typing: false, seen_at: at(0) }])
    expect(await seenBy(caseId, 'anna', 2)).toEqual([['Boris Ivanov', true]])
    expect(await seenBy(caseId, 'carla', 2)).toEqual([['Anna Agent', false], ['Boris Ivanov', true]])
  })

  it('typing counts for 10 s after the heartbeat that said so', async () => {
    const caseId = await newCase()
    await beat(caseId, 'boris', true, 0)
    expect(await seenBy(caseId, 'anna', 9)).toEqual([['Boris Ivanov', true]])
    expect(await seenBy(caseId, 'anna', 11)).toEqual([['Boris Ivanov', false]])
    await beat(caseId, 'boris', true, 12)
    expect(await seenBy(caseId, 'anna', 13)).toEqual([['Boris Ivanov', true]])
    await beat(caseId, 'boris', false, 14)
    expect(await seenBy(caseId, 'anna', 15)).toEqual([['Boris Ivanov', false]])
  })

  it('a person not seen for 30 s has left; the next heartbeat brings them back', async () => {
    const caseId = await newCase()
    await beat(caseId, 'boris', false, 0)
    expect(await seenBy(caseId, 'anna', 29)).toEqual([['Boris Ivanov', false]])
    expect(await seenBy(caseId, 'anna', 31)).toEqual([])
    await beat(caseId, 'boris', false, 40)
    expect(await seenBy(caseId, 'anna', 41)).toEqual([['Boris Ivanov', false]])
  })

  it('keeps cases apart, and hides people who were deactivated', async () => {
    const [one, two] = [await newCase(), await newCase()]
    await beat(one, 'boris', false, 0)
    await beat(two, 'carla', false, 0)
    expect(await seenBy(one, 'anna', 1)).toEqual([['Boris Ivanov', false]])
    await care.db.sql`update app_user set active = false where id = ${people.carla!.id}`
    try {
      expect(await seenBy(two, 'anna', 1)).toEqual([])
    } finally {
      await care.db.sql`update app_user set active = true where id = ${people.carla!.id}`
    }
  })

  it('answers null for a case that does not exist, writing nothing', async () => {
    expect(await beat('999999', 'anna', true, 0)).toBeNull()
    expect(await seenBy('999999', 'anna', 0)).toBeUndefined()
    expect(await care.db.sql`select 1 from case_presence where case_id = 999999`).toHaveLength(0)
  })

  it('prunePresence deletes only rows older than a minute', async () => {
    const caseId = await newCase()
    await beat(caseId, 'anna', false, 0)
    await beat(caseId, 'boris', false, 50)
    expect(await prunePresence(care.db.sql, at(70))).toBeGreaterThanOrEqual(1)
    const left = await care.db.sql<{ user_id: string }[]>`select user_id from case_presence where case_id = ${caseId}`
    expect(left).toEqual([{ user_id: people.boris!.id }])
  })
})

describe('GET and POST /api/cases/:id/presence', () => {
  const call = (method: string, caseId: string, who: string, body?: unknown) =>
    care.api.call(method, `/api/cases/${caseId}/presence`, body, people[who]!.cookie)

  it('POST records the heartbeat and answers who else is there; GET only reads', async () => {
    const caseId = await newCase()
    const first = await call('POST', caseId, 'anna', { typing: true })
    expect(first.status).toBe(200)
    expect(await first.json()).toEqual({ present: [] })

    const read = await call('GET', caseId, 'boris')
    expect(read.status).toBe(200)
    const { present } = (await read.json()) as { present: { user_id: string; name: string; typing: boolean; seen_at: string }[] }
    expect(present).toEqual([{ user_id: people.anna!.id, name: 'Anna Agent', typing: true, seen_at: expect.any(String) }])
    expect(Math.abs(Date.parse(present[0]!.seen_at) - Date.now())).toBeLessThan(60_000)
    // Reading did not make Boris present.
    expect(await (await call('GET', caseId, 'anna')).json()).toEqual({ present: [] })
  })

  it('answers 404 for an unknown case, 400 for bad input, 403 for marketing', async () => {
    expect((await call('GET', '999999', 'anna')).status).toBe(404)
    expect((await call('POST', '999999', 'anna', { typing: false })).status).toBe(404)
    const caseId = await newCase()
    expect((await call('POST', caseId, 'anna', { typing: 'yes' })).status).toBe(400)
    expect((await call('POST', caseId, 'anna', {})).status).toBe(400)
    expect((await call('GET', 'abc', 'anna')).status).toBe(400)
    expect((await call('GET', caseId, 'marketing')).status).toBe(403)
    expect((await care.api.call('GET', `/api/cases/${caseId}/presence`)).status).toBe(401)
  })
})
