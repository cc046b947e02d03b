// GET /api/events over HTTP: case events in id order, resuming after Last-Event-ID, and none lost
// when transactions commit out of id order.
import { Hono } from 'hono'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { sessionRoutes, type AuthedEnv } from '../../worker/auth/session'
import { collabRoutes } from '../../worker/cases/collab-routes'
import { parseConfig } from '../../worker/config'
import type { Sql, Tx } from '../../worker/db/connect'
import type { Services } from '../../worker/env'
import { createLiveRoutes, liveRoutes, type LiveOptions } from '../../worker/live/routes'
import { apiClient, type RequestHandler } from '../support/api'
import { insertColleague, insertMarketer, insertTeamCase, password } from '../support/care-api'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { insertRoutingBrand, type RoutingBrand } from '../support/routing'

// createTestDatabase picks the server when TEST_DATABASE_URL is set; tests that need two sessions
// at once are defined only there (PGlite is one session), and PGlite gets its own version instead.
const onServer = Boolean(process.env.TEST_DATABASE_URL)

let db: TestDatabase
let services: Services
let brand: RoutingBrand
let agentCookie: string
let marketingCookie: string

const appWith = (options: LiveOptions) => new Hono<AuthedEnv>().route('/', sessionRoutes).route('/', collabRoutes).route('/', createLiveRoutes(options))
// A short poll keeps the tests quick; the wake-up test below uses a long one to show it is not needed.
const app = appWith({ pollMs: 50 })

beforeAll(async () => {
  db = await createTestDatabase()
  expect(db.kind).toBe(onServer ? 'postgres' : 'pglite')
  services = { sql: db.sql, config: parseConfig({}), runtime: 'node', secrets: {} }
  brand = await insertRoutingBrand(db.sql, 'live')
  await insertColleague(db.sql, { email: 'agent@live.example', name: 'Anna Agent', languages: ['en'], shifts: [], teamId: brand.teamId })
  await insertMarketer(db.sql, 'market@live.example')
  const api = apiClient(app, services)
  agentCookie = (await api.logIn('agent@live.example', password)).cookie
  marketingCookie = (await api.logIn('market@live.example', password)).cookie
})
afterEach(async () => {
  await Promise.all(open.splice(0).map((stream) => stream.close()))
})
afterAll(() => db.close())

let customers = 0
const newCase = () => insertTeamCase(db.sql, brand, `live-customer-${++customers}`)

async function insertEvent(sql: Sql | Tx, caseId: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into case_event (case_id, kind, body) values (${caseId}, 'status', '{"to":"open"}') returning id`
  return row!.id
}

interface Frame {
  event: string
  id: string | undefined
  data: string
  comment: boolean
}

/** Reads an SSE response frame by frame; a read that times out stays pending for the next call. */
class EventStream {
  private buffer = ''
  private readonly decoder = new TextDecoder()
  private pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null
  private ended = false

  constructor(
    readonly response: Response,
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
  ) {}

  /** The next frame, or null if none comes within `ms`. */
  async frame(ms: number): Promise<Frame | null> {
    const deadline = Date.now() + ms
    for (;;) {
      const end = this.buffer.indexOf('\n\n')
      if (end >= 0) {
        const text = this.buffer.slice(0, end)
        this.buffer = this.buffer.slice(end + 2)
        return parseFrame(text)
      }
      if (this.ended) throw new Error('the stream ended')
      const left = deadline - Date.now()
      if (left <= 0) return null
      this.pending ??= this.reader.read()
      let timer: ReturnType<typeof setTimeout> | undefined
      const result = await Promise.race([this.pending, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), left)))])
      clearTimeout(timer)
      if (result === null) return null
      this.pending = null
      if (result.done) this.ended = true
      else this.buffer += this.decoder.decode(result.value, { stream: true })
    }
  }

  /** The next `count` case events; fails the test if they do not all come within `ms`. */
  async cases(count: number, ms = 10_000): Promise<Frame[]> {
    const found: Frame[] = []
    const deadline = Date.now() + ms
    while (found.length < count) {
      const frame = await this.frame(deadline - Date.now())
      if (frame === null) throw new Error(`expected ${count} case events within ${ms} ms, got ${found.length}: ${found.map((f) => f.id).join(', ')}`)
      if (frame.event === 'case') found.push(frame)
    }
    return found
  }

  /** The ids of case events arriving within `ms` (none expected, usually). */
  async casesWithin(ms: number): Promise<string[]> {
    const ids: string[] = []
    const deadline = Date.now() + ms
    for (;;) {
      const frame = await this.frame(deadline - Date.now())
      if (frame === null) return ids
      if (frame.event === 'case') ids.push(frame.id!)
    }
  }

  async close(): Promise<void> {
    await this.reader.cancel().catch(() => {})
  }
}

function parseFrame(text: string): Frame {
  const frame: Frame = { event: 'message', id: undefined, data: '', comment: false }
  const data: string[] = []
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) {
      frame.comment = true
      frame.event = 'comment'
      continue
    }
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
    if (field === 'event') frame.event = value
    else if (field === 'id') frame.id = value
    else if (field === 'data') data.push(value)
  }
  frame.data = data.join('\n')
  return frame
}

const open: EventStream[] = []

async function connect(
  path = '/api/events',
  { headers = {}, via = app, env = services }: { headers?: Record<string, string>; via?: RequestHandler<Services>; env?: Services } = {},
): Promise<EventStream> {
  const response = await via.request(path, { headers: { cookie: agentCookie, ...headers } }, env)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toContain('text/event-stream')
  const stream = new EventStream(response, response.body!.getReader())
  open.push(stream)
  return stream
}

/** Connects and waits for the stream's opening `ready` frame; returns it with the stream. */
async function connectReady(path?: string, options?: Parameters<typeof connect>[1]) {
  const stream = await connect(path, options)
  const ready = await stream.frame(10_000)
  expect(ready?.event).toBe('ready')
  return { stream, ready: ready! }
}

const ids = (frames: Frame[]) => frames.map((frame) => frame.id)

describe('GET /api/events', () => {
  it('sends events written before and after connecting, after the given cursor, in id order', async () => {
    const caseId = await newCase()
    const cursor = await insertEvent(db.sql, caseId)
    const before = [await insertEvent(db.sql, caseId), await insertEvent(db.sql, caseId)]
    const { stream, ready } = await connectReady(`/api/events?after=${cursor}`)
    expect(ready.id).toBe(cursor)
    const after = [await insertEvent(db.sql, caseId), await insertEvent(db.sql, caseId)]
    const frames = await stream.cases(4)
    expect(ids(frames)).toEqual([...before, ...after])
    const [row] = await db.sql<{ occurred_at: Date }[]>`select occurred_at from case_event where id = ${before[0]!}`
    expect(JSON.parse(frames[0]!.data)).toEqual({ id: before[0], case_id: caseId, kind: 'status', occurred_at: row!.occurred_at.toISOString() })
    expect(await stream.casesWithin(200)).toEqual([])
  })

  it('without a cursor starts from the newest event, and says where it started', async () => {
    const caseId = await newCase()
    const newest = await insertEvent(db.sql, caseId)
    const { stream, ready } = await connectReady()
    // The newest settled event: xmin is cluster-wide, so a write transaction open in another
    // database (a test file running alongside) can hold the start back to an earlier one, and the
    // feed then goes on from there, missing nothing.
    expect(BigInt(ready.id!)).toBeLessThanOrEqual(BigInt(newest))
    expect(JSON.parse(ready.data)).toEqual({ after: ready.id })
    const next = await insertEvent(db.sql, caseId)
    const later = (await db.sql<{ id: string }[]>`select id::text from case_event where id > ${ready.id!} order by id`).map((row) => row.id)
    expect(later.at(-1)).toBe(next)
    expect(ids(await stream.cases(later.length))).toEqual(later)
  })

  it('resumes after Last-Event-ID with exactly the later events; the header wins over ?after=', async () => {
    const caseId = await newCase()
    const written = [await insertEvent(db.sql, caseId), await insertEvent(db.sql, caseId), await insertEvent(db.sql, caseId), await insertEvent(db.sql, caseId)]
    // A reconnecting EventSource repeats the URL it was opened with and adds the header.
    const stream = await connect(`/api/events?after=${written[0]}`, { headers: { 'last-event-id': written[1]! } })
    expect(ids(await stream.cases(2))).toEqual(written.slice(2))
    expect(await stream.casesWithin(300)).toEqual([])
  })

  it('picks up the events of a transaction that rolled back ids before them', async () => {
    const caseId = await newCase()
    const { stream } = await connectReady()
    await db.sql
      .begin(async (tx) => {
        await insertEvent(tx, caseId)
        throw new Error('roll back')
      })
      .catch(() => {})
    const kept = await insertEvent(db.sql, caseId)
    expect(ids(await stream.cases(1))).toEqual([kept])
  })

  it('delivers a note at once through the in-process wake-up, not the poll, and holds no connection while waiting', async () => {
    const slow = appWith({ pollMs: 60_000 })
    const caseId = await newCase()
    const { stream } = await connectReady('/api/events', { via: slow })
    // On PGlite the pool is one connection: the note could not be written if the stream kept it.
    const response = await apiClient(slow, services).call('POST', `/api/cases/${caseId}/notes`, { text: 'Checked the line, looks fine' }, agentCookie)
    expect(response.status).toBe(201)
    const { eventId } = (await response.json()) as { eventId: string }
    const [frame] = await stream.cases(1, 20_000)
    expect(frame!.id).toBe(eventId)
    expect(JSON.parse(frame!.data)).toMatchObject({ id: eventId, case_id: caseId, kind: 'note' })
  })

  it('sends a keep-alive comment on a quiet stream', async () => {
    const { stream } = await connectReady('/api/events', { via: appWith({ pollMs: 20, keepAliveMs: 100 }) })
    const frame = await stream.frame(5_000)
    expect(frame).toMatchObject({ comment: true, event: 'comment' })
  })

  it('stops reading the database when the client goes away', async () => {
    let queries = 0
    const counted = new Proxy(db.sql, {
      apply(target, thisArg, args) {
        queries++
        return Reflect.apply(target, thisArg, args)
      },
    })
    const { stream } = await connectReady('/api/events', { via: appWith({ pollMs: 10 }), env: { ...services, sql: counted } })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(queries).toBeGreaterThan(2)
    await stream.close()
    // A read under way when the client left may finish its statements; after that, silence.
    let settledAt = -1
    for (let tries = 0; tries < 10 && settledAt !== queries; tries++) {
      settledAt = queries
      await new Promise((resolve) => setTimeout(resolve, 300))
    }
    expect(queries).toBe(settledAt)
  })

  it('lets agents, executives and admins in; not marketing, not strangers', async () => {
    expect((await liveRoutes.request('/api/events', {}, services)).status).toBe(401)
    const marketing = await liveRoutes.request('/api/events', { headers: { cookie: marketingCookie } }, services)
    expect(marketing.status).toBe(403)
    expect(marketing.headers.get('content-type')).toBe('application/problem+json')
  })

  it('answers a cursor that is not an event id with a problem', async () => {
    const response = await app.request('/api/events', { headers: { cookie: agentCookie, 'last-event-id': 'abc' } }, services)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { detail: string }).detail).toContain('"abc" is not an event id')
    expect((await app.request('/api/events?after=-1', { headers: { cookie: agentCookie } }, services)).status).toBe(400)
  })
})

if (onServer) {
  describe('concurrent writers (PostgreSQL)', () => {
    it('an uncommitted event holds back events committed after it; when it commits both arrive in id order', async () => {
      const caseId = await newCase()
      const { stream } = await connectReady()
      const tx = await db.sql.reserve()
      try {
        await tx`begin`
        const first = await insertEvent(tx, caseId)
        const second = await insertEvent(db.sql, caseId)
        expect(BigInt(second)).toBeGreaterThan(BigInt(first))
        expect(await stream.casesWithin(500)).toEqual([])
        await tx`commit`
        expect(ids(await stream.cases(2))).toEqual([first, second])
      } finally {
        tx.release()
      }
    })

    it('a transaction that took its xid first and commits a higher id waits for the lower id still being written', async () => {
      // As in a reply: the older transaction locks its case (which takes an xid), a younger one
      // inserts its event, then the older one inserts and commits. Its event has the lower
      // xact_id and the higher id; sending it would move the cursor past the younger one's.
      const [caseA, caseB] = [await newCase(), await newCase()]
      const { stream } = await connectReady()
      const older = await db.sql.reserve()
      const younger = await db.sql.reserve()
      try {
        await older`begin`
        await older`select id from care_case where id = ${caseA} for update`
        await younger`begin`
        const lower = await insertEvent(younger, caseB)
        const higher = await insertEvent(older, caseA)
        await older`commit`
        const [order] = await younger<{ crossed: boolean }[]>`
          select (select xact_id from case_event where id = ${higher}) < (select xact_id from case_event where id = ${lower}) as crossed`
        expect(order!.crossed).toBe(true)
        expect(await stream.casesWithin(500)).toEqual([])
        await younger`commit`
        expect(ids(await stream.cases(2))).toEqual([lower, higher])
      } finally {
        older.release()
        younger.release()
      }
    })

    it('many writers committing out of order, some rolling back: every committed event arrives once, in id order', async () => {
      const caseIds = [await newCase(), await newCase(), await newCase()]
      const { stream } = await connectReady('/api/events', { via: appWith({ pollMs: 10 }) })
      let seed = 20_261_129
      const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
      const committed: string[] = []
      await Promise.all(
        Array.from({ length: 30 }, async (_, n) => {
          await pause(random() * 40)
          const id = await db.sql
            .begin(async (tx) => {
              // Half take their xid early, as the case actions do, so xid order and id order cross.
              if (n % 2 === 0) await tx`select pg_current_xact_id()`
              await pause(random() * 40)
              const eventId = await insertEvent(tx, caseIds[n % caseIds.length]!)
              await pause(random() * 100)
              if (n % 7 === 3) throw new Error('roll back')
              return eventId
            })
            .catch(() => null)
          if (id !== null) committed.push(id)
        }),
      )
      committed.sort((a, b) => Number(BigInt(a) - BigInt(b)))
      expect(ids(await stream.cases(committed.length, 20_000))).toEqual(committed)
      expect(await stream.casesWithin(300)).toEqual([])
    })
  })
} else {
  describe('an open transaction (PGlite: one session)', () => {
    it('holds the stream back until it commits, then its event arrives', async () => {
      const caseId = await newCase()
      const { stream } = await connectReady()
      // The pool's only connection: the stream's reads wait for it, as any other session's would.
      const tx = await db.sql.reserve()
      let inserted: string | undefined
      try {
        await tx`begin`
        inserted = await insertEvent(tx, caseId)
        expect(await stream.casesWithin(300)).toEqual([])
        await tx`commit`
      } finally {
        tx.release()
      }
      expect(ids(await stream.cases(1))).toEqual([inserted])
    })
  })
}
