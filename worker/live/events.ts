// The live feed: case_event rows in id order, each sent once, so that a browser that reconnects
// with the last id it saw misses nothing and sees nothing twice.
//
// Ids come from a sequence and commit out of order: one transaction takes id 5, another takes
// id 6 and commits first; a reader whose cursor moved to 6 would never see 5. Sending only rows
// with xact_id < pg_snapshot_xmin(pg_current_snapshot()) holds back rows of transactions younger
// than the oldest one still running, but not the other way round: a transaction that got its xid
// early (the case actions lock the case row first, which takes one) and its event id late commits
// a higher id with a lower xact_id while a younger transaction still holds the lower id, and
// pg_snapshot_xmax is no help, being only the newest *finished* xid plus one.
//
// So the cursor also stops at a settled id. The feed reads the sequence's last value L; a round
// trip later it takes an xid of its own, X, larger than the xid of every transaction that took
// an id up to L. Once a snapshot's xmin is past X, none of those transactions is running: every
// id up to L is committed (and visible) or never will be, and the cursor may pass it. The feed
// takes an xid only when there are new ids to settle, and changes no rows with it (its commit is
// a small WAL record; xids are used up at about one per delivered batch per open stream).
//
// Known limits: a transaction that takes its id and stalls for longer than two round trips before
// its first xid (both happen in the same row of its insert) could still be passed; the sequence
// must not cache values per session (identity columns default to CACHE 1); xmin is cluster-wide,
// so a long write transaction in any database on the server delays the feed (it never loses).
import type { Sql } from '../db/connect'

export interface LiveEvent {
  id: string
  case_id: string
  kind: string
  occurred_at: Date
}

export interface FeedRead {
  events: LiveEvent[]
  /** The batch was full: read again at once. */
  full: boolean
  /** Ids are taken whose transactions are still running: read again soon. */
  pending: boolean
}

/** Where the feed stands: `last` is the id of the last row sent (or the starting point). */
export interface EventFeed {
  readonly last: string
  next(limit?: number): Promise<FeedRead>
}

interface Horizon {
  /** Every id up to this was taken by a transaction with an xid below `xid`. */
  seq: bigint
  xid: bigint
}

// Horizons pile up only while a transaction stays open. Dropping one only delays passing its ids
// until a later one settles, so a handful is plenty.
const maxHorizons = 32

/**
 * Opens a feed after `after` (an event id the client has seen), or, without one, after the newest
 * event already settled: no backlog.
 */
export async function openFeed(sql: Sql, after: string | null): Promise<EventFeed> {
  let last = after === null ? await newestSettledId(sql) : BigInt(after)
  let settled = 0n
  /** The sequence's value at the previous read, not yet paired with an xid. */
  let unpaired = 0n
  const horizons: Horizon[] = []
  const covered = () => [last, settled, horizons.at(-1)?.seq ?? 0n].reduce((a, b) => (a > b ? a : b))

  /** One read: the sequence, an xid when there is something to settle, then the rows. */
  async function read(limit: number): Promise<FeedRead & { seq: bigint }> {
    // The sequence is read before the xid is taken (the materialized CTE runs first), and the
    // value paired with the xid is the one from the previous read, a round trip earlier.
    // pg_sequence_last_value is volatile and pg_current_xact_id stable: Hyperdrive caches neither.
    const pair = unpaired > covered()
    const [state] = await sql<{ seq: string; xid: string | null }[]>`
      with s as materialized (
        select coalesce(pg_sequence_last_value(pg_get_serial_sequence('case_event', 'id')::regclass), 0) as seq
      )
      select seq::text, case when ${pair} then pg_current_xact_id()::text end as xid from s`
    if (state!.xid !== null) horizons.push({ seq: unpaired, xid: BigInt(state!.xid) })
    if (horizons.length > maxHorizons) horizons.splice(maxHorizons >> 1, 1)
    const seq = BigInt(state!.seq)
    unpaired = seq
    if (seq <= last) {
      horizons.length = 0
      return { events: [], full: false, pending: false, seq }
    }

    const rows = await sql<(Omit<LiveEvent, 'id'> & { id: string | null; xmin: string; committed_before_xmin: boolean | null })[]>`
      select pg_snapshot_xmin(s.snapshot)::text as xmin,
             e.id, e.case_id, e.kind, e.occurred_at, e.xact_id < pg_snapshot_xmin(s.snapshot) as committed_before_xmin
        from (select pg_current_snapshot() as snapshot) s
        left join lateral (
          select id, case_id, kind, occurred_at, xact_id from case_event
           where id > ${last.toString()} and id <= ${seq.toString()}
           order by id
           limit ${limit}
        ) e on true
       order by e.id`
    const xmin = BigInt(rows[0]!.xmin)
    while (horizons[0] && horizons[0].xid < xmin) settled = horizons.shift()!.seq

    const events: LiveEvent[] = []
    let blocked = false
    for (const row of rows) {
      if (row.id === null || BigInt(row.id) > settled) break
      // Up to `settled` every row is committed already; the xmin test is the contract's rule and a
      // second guard, for a row that is visible while its transaction has not settled.
      if (!row.committed_before_xmin) {
        blocked = true
        break
      }
      events.push({ id: row.id, case_id: row.case_id, kind: row.kind, occurred_at: row.occurred_at })
      last = BigInt(row.id)
    }
    const full = events.length === limit
    // Every row up to `settled` was sent: ids in the gap after the last one were rolled back.
    if (!full && !blocked && settled > last) last = settled
    return { events, full, pending: !full && (blocked || settled < seq), seq }
  }

  async function next(limit = 500): Promise<FeedRead> {
    const first = await read(limit)
    // New ids were seen that no xid covers yet: a second read pairs them at once, instead of a
    // poll interval later.
    if (first.full || !first.pending || first.seq <= covered()) return first
    const second = await read(limit - first.events.length)
    return { events: [...first.events, ...second.events], full: second.full, pending: second.pending }
  }

  return {
    get last() {
      return last.toString()
    },
    next,
  }
}

/** The newest event older than every transaction still running: where a feed without a cursor starts. */
async function newestSettledId(sql: Sql): Promise<bigint> {
  const [row] = await sql<{ id: string }[]>`
    select coalesce(max(id), 0)::text as id from case_event
     where xact_id < pg_snapshot_xmin(pg_current_snapshot())`
  return BigInt(row!.id)
}
