// Log-in throttling: too many wrong passwords for one account, or from one address, and further
// attempts are refused for a while. Kept in the database because a Worker remembers nothing
// between requests and several Node processes may share the load.
import type { Sql } from '../db/connect'

export const loginLimits = {
  windowMs: 15 * 60_000,
  failuresPerAccount: 5,
  failuresPerAddress: 20,
  /** How long attempts are kept: long enough to look into an attack, far longer than the window. */
  keepMs: 24 * 60 * 60_000,
} as const

export interface LoginAttempt {
  email: string
  /** The client's address, or null when the request does not say. */
  ip: string | null
}

// An IPv6 address with a zone is at most 45 + a few characters; anything longer is not an address.
const maxAddressLength = 64

/**
 * The client's address: Cloudflare's `cf-connecting-ip`, else the first hop of `x-forwarded-for`.
 * Either can be forged when Node is reached without a proxy that overwrites them: a forger can
 * then dodge the per-address limit, or spend someone else's, but not the per-account one.
 */
export function clientAddress(header: (name: string) => string | undefined): string | null {
  const address = header('cf-connecting-ip')?.trim() || header('x-forwarded-for')?.split(',')[0]?.trim()
  if (!address || address.length > maxAddressLength) return null
  return address
}

export type LoginAdmission = { admitted: true; attemptId: string } | { admitted: false; retryAfterSeconds: number }

/**
 * Records the attempt and says whether its password may be checked. The attempt is written as
 * failed, and committed, before the failures are counted: so of a burst of simultaneous guesses
 * at most the limit get through, each seeing the others. `markLoginSucceeded` corrects the row
 * once the password proves right. A refused attempt is forgotten again, since its password was
 * never checked: counting it would push the wait further out with every retry during it.
 */
export async function admitLogin(sql: Sql, { email, ip }: LoginAttempt, now: Date): Promise<LoginAdmission> {
  const [attempt] = await sql<{ id: string }[]>`
    insert into login_attempt (email, ip, succeeded, attempted_at)
    values (${email}, ${ip}, false, ${now})
    returning id`
  const attemptId = attempt!.id
  const since = new Date(now.getTime() - loginLimits.windowMs)
  // The limit-th most recent failure: that one existing is what makes the limit reached, and
  // once it is older than the window the count is back under the limit.
  const [row] = await sql<{ account_failure: Date | null; address_failure: Date | null }[]>`
    select
      (select attempted_at from login_attempt
        where lower(email) = lower(${email}) and not succeeded and id <> ${attemptId}
          and attempted_at > ${since} and attempted_at <= ${now}
        order by attempted_at desc
        offset ${loginLimits.failuresPerAccount - 1} limit 1) as account_failure,
      (select attempted_at from login_attempt
        where ip = ${ip} and not succeeded and id <> ${attemptId}
          and attempted_at > ${since} and attempted_at <= ${now}
        order by attempted_at desc
        offset ${loginLimits.failuresPerAddress - 1} limit 1) as address_failure`
  const blockedUntil = Math.max(
    ...[row?.account_failure, row?.address_failure].map((failure) => (failure ? failure.getTime() + loginLimits.windowMs : 0)),
  )
  if (blockedUntil <= now.getTime()) return { admitted: true, attemptId }
  await sql`delete from login_attempt where id = ${attemptId}`
  return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((blockedUntil - now.getTime()) / 1000)) }
}

export async function markLoginSucceeded(sql: Sql, attemptId: string): Promise<void> {
  await sql`update login_attempt set succeeded = true where id = ${attemptId}`
}

/** Deletes attempts too old to matter; for a periodic job. Returns how many went. */
export async function pruneLoginAttempts(sql: Sql, now: Date): Promise<number> {
  const removed = await sql`delete from login_attempt where attempted_at < ${new Date(now.getTime() - loginLimits.keepMs)}`
  return removed.count
}
