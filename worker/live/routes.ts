// GET /api/events: Server-Sent Events of the case timeline, for open inboxes and case views to
// refresh what changed. The same loop serves both runtimes: on Node a commit in this process
// wakes it at once; on Workers it polls.
import { Hono } from 'hono'
import { streamSSE, type SSEStreamingApi } from 'hono/streaming'
import { z } from 'zod'
import { requireRole, type AuthedEnv } from '../auth/session'
import { problem } from '../http/problem'
import { openFeed, type EventFeed } from './events'
import { waitForWake, wakeGeneration } from './wake'

export interface LiveOptions {
  /** Idle poll; the fallback for commits nobody wakes the stream for (other processes, Workers). */
  pollMs?: number
  /** A comment line this often keeps proxies from closing a quiet stream. */
  keepAliveMs?: number
}

const eventId = z.string().regex(/^\d{1,18}$/, 'must be an event id')

// While ids are taken but not settled, their transactions are about to commit: look again soon,
// backing off if one stays open.
const firstRecheckMs = 100
const lastRecheckMs = 1000

export function createLiveRoutes({ pollMs = 1000, keepAliveMs = 15_000 }: LiveOptions = {}) {
  return new Hono<AuthedEnv>().get('/api/events', requireRole('agent', 'executive', 'admin'), async (c) => {
    // A reconnecting EventSource sends the header and repeats the original URL, so the header wins.
    const given = c.req.header('last-event-id') || c.req.query('after') || null
    const after = given === null ? null : eventId.safeParse(given)
    if (after && !after.success) {
      return problem({ status: 400, title: 'Bad Request', detail: `"${given}" is not an event id (Last-Event-ID or ?after=).` })
    }
    // Opened before the response starts, so that a database failure is an ordinary 500.
    const feed = await openFeed(c.env.sql, after?.data ?? null)
    const canWake = c.env.runtime === 'node'
    return streamSSE(c, (stream) => follow(stream, feed, { pollMs, keepAliveMs, canWake }))
  })
}

export const liveRoutes = createLiveRoutes()

async function follow(stream: SSEStreamingApi, feed: EventFeed, options: { pollMs: number; keepAliveMs: number; canWake: boolean }) {
  const gone = new AbortController()
  stream.onAbort(() => gone.abort())
  // The starting point as an id, so that a browser that loses the connection before any event
  // comes resumes from here rather than from whatever is newest when it reconnects.
  await stream.writeSSE({ event: 'ready', id: feed.last, data: JSON.stringify({ after: feed.last }) })
  let quietSince = Date.now()
  let recheckMs = firstRecheckMs
  try {
    while (!gone.signal.aborted) {
      const generation = wakeGeneration()
      const { events, full, pending } = await feed.next()
      for (const event of events) {
        await stream.writeSSE({
          event: 'case',
          id: event.id,
          data: JSON.stringify({ id: event.id, case_id: event.case_id, kind: event.kind, occurred_at: event.occurred_at }),
        })
      }
      if (events.length > 0) quietSince = Date.now()
      if (full) continue
      if (Date.now() - quietSince >= options.keepAliveMs) {
        await stream.write(': keep-alive\n\n')
        quietSince = Date.now()
      }
      const waitMs = Math.min(pending ? recheckMs : options.pollMs, options.pollMs, options.keepAliveMs)
      recheckMs = pending ? Math.min(recheckMs * 2, lastRecheckMs) : firstRecheckMs
      // The connection goes back to the pool before the wait: on the embedded database it is the
      // only one.
      if (options.canWake) await waitForWake(waitMs, gone.signal, generation)
      else await sleep(waitMs, gone.signal)
    }
  } catch (error) {
    // Ending the stream is enough: the browser reconnects with the last id it got.
    if (!gone.signal.aborted) console.error('GET /api/events stopped:', error)
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
