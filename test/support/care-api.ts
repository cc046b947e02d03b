// Route tests on a routing brand (routing.ts, useRouteTest): colleagues who log in with one
// password, and new cases waiting in the brand's team queue.
import type { Hono } from 'hono'
import { hashPassword } from '../../worker/auth/password'
import type { AuthedEnv } from '../../worker/auth/session'
import type { Sql } from '../../worker/db/connect'
import { insertAgent, insertIdentity, insertRoutingBrand, type Agent, type AgentSpec, type RoutingBrand } from './routing'
import { useRouteTest, type RouteTest } from './route-test'

/** The password of everyone made here. */
export const password = 'correct horse battery'

// Hashed once for the file: hashing is slow on purpose.
let hashed: Promise<string> | undefined
const passwordHash = () => (hashed ??= hashPassword(password))

/** insertAgent, with `password` to log in with. */
export async function insertColleague(sql: Sql, spec: AgentSpec): Promise<Agent> {
  const user = await insertAgent(sql, spec)
  await sql`update app_user set password_hash = ${await passwordHash()} where id = ${user.id}`
  return user
}

/** Mark Eting of marketing, who may log in (with `password`) and read cases but not work them. */
export async function insertMarketer(sql: Sql, email: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into app_user (email, name, role, password_hash) values (${email}, 'Mark Eting', 'marketing', ${await passwordHash()}) returning id`
  return row!.id
}

/** A new case of a new customer (`handle`), waiting in the brand's team queue. */
export async function insertTeamCase(sql: Sql, brand: RoutingBrand, handle: string): Promise<string> {
  const { customerId } = await insertIdentity(sql, handle)
  const [row] = await sql<{ id: string }[]>`
    insert into care_case (brand_id, customer_id, status, team_id) values (${brand.brandId}, ${customerId}, 'new', ${brand.teamId}) returning id`
  return row!.id
}

export interface Person {
  id: string
  /** The session cookie, logged in. */
  cookie: string
}

export type PersonSpec = Omit<AgentSpec, 'languages' | 'shifts'> & Partial<Pick<AgentSpec, 'languages' | 'shifts'>>

export interface CareApi extends RouteTest {
  /** The brand `slug` (insertRoutingBrand). */
  readonly brand: RoutingBrand
  /**
   * A colleague, logged in: English, no shifts, and on the brand's team unless the spec has a
   * `teamId` (undefined: on no team).
   */
  person(spec: PersonSpec): Promise<Person>
  /** Someone in marketing (insertMarketer), logged in. */
  marketer(email: string): Promise<Person>
  /** A new case in the team queue, of a new customer `<slug>-customer-<n>`. */
  newCase(): Promise<string>
}

/** useRouteTest on the brand `slug`, with its colleagues and cases. */
export function useCareApi(routes: Hono<AuthedEnv>, slug: string): CareApi {
  const care = useRouteTest(routes, async ({ db }) => ({ brand: await insertRoutingBrand(db.sql, slug) }))
  const logIn = async (id: string, email: string): Promise<Person> => ({ id, cookie: (await care.api.logIn(email, password)).cookie })
  let customers = 0
  return Object.assign(care, {
    async person(spec: PersonSpec) {
      const user = await insertColleague(care.db.sql, { languages: ['en'], shifts: [], teamId: care.brand.teamId, ...spec })
      return logIn(user.id, spec.email)
    },
    marketer: async (email: string) => logIn(await insertMarketer(care.db.sql, email), email),
    newCase: () => insertTeamCase(care.db.sql, care.brand, `${slug}-customer-${++customers}`),
  })
}
