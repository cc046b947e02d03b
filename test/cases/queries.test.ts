// The inbox over HTTP: each filter alone and together, full-text search over a case's mentions,
// the filter bar's counts, the order, and bad queries answered with problems.
import { beforeAll, describe, expect, it } from 'vitest'
import { caseRoutes } from '../../worker/cases/routes'
import type { InboxCounts } from '../../worker/cases/queries'
import { useCareApi } from '../support/care-api'
import { insertIdentity, insertRoutingBrand, type RoutingBrand } from '../support/routing'

const care = useCareApi(caseRoutes, 'inbox')
let brand: RoutingBrand
let other: RoutingBrand
let billingTeamId: string
const cookies: Record<string, string> = {}
const people: Record<string, string> = {}
/** Case ids by the names the tests use. */
const cases: Record<string, string> = {}

interface CaseSpec {
  brandId: string
  priority: number
  status: 'new' | 'open' | 'waiting_on_customer' | 'handed_off' | 'resolved'
  owner?: string
  team?: string
  language: string
  /** Minutes from now; null for no running clock. */
  slaIn: number | null
  openedMinutesAgo: number
  mentions: [platform: string, text: string][]
}

let customers = 0
async function insertCase(spec: CaseSpec): Promise<string> {
  const { customerId, identityId } = await insertIdentity(care.db.sql, `inbox-${++customers}`, spec.mentions[0]![0])
  const [row] = await care.db.sql<{ id: string }[]>`
    insert into care_case (brand_id, customer_id, status, priority, owner_id, team_id, language, opened_at, sla_due_at, resolved_at)
    values (${spec.brandId}, ${customerId}, ${spec.status}, ${spec.priority}, ${spec.owner ?? null}, ${spec.team ?? null}, ${spec.language},
            now() - make_interval(mins => ${spec.openedMinutesAgo}),
            ${spec.slaIn === null ? null : new Date(Date.now() + spec.slaIn * 60_000)},
            ${spec.status === 'resolved' ? new Date() : null})
    returning id`
  let n = 0
  for (const [platform, text] of spec.mentions) {
    await care.db.sql`
      insert into mention (platform, external_id, brand_id, identity_id, case_id, text, posted_at, raw)
      values (${platform}, ${`${row!.id}-${++n}`}, ${spec.brandId}, ${identityId}, ${row!.id}, ${text},
              now() - make_interval(mins => ${spec.openedMinutesAgo - n}), '{}')`
  }
  return row!.id
}

beforeAll(async () => {
  brand = care.brand
  other = await insertRoutingBrand(care.db.sql, 'elsewhere')
  const [billing] = await care.db.sql<{ id: string }[]>`insert into team (brand_id, name) values (${brand.brandId}, 'Billing') returning id`
  billingTeamId = billing!.id
  for (const [key, role, teamId] of [
    ['anna', 'agent', brand.teamId],
    ['boris', 'agent', billingTeamId],
    ['exec', 'executive', undefined],
  ] as const) {
    const person = await care.person({ email: `${key}@inbox.example`, name: key, role, teamId })
    people[key] = person.id
    cookies[key] = person.cookie
  }

  const a = brand.brandId
  cases.c1 = await insertCase({ brandId: a, priority: 1, status: 'new', team: brand.teamId, language: 'et', slaIn: 10, openedMinutesAgo: 30, mentions: [['x', 'Internet on maas juba kolm päeva']] })
  cases.c2 = await insertCase({
    brandId: a, priority: 1, status: 'open', owner: people.anna, team: brand.teamId, language: 'en', slaIn: 5, openedMinutesAgo: 40,
    mentions: [['x', 'My router is blinking red'], ['bluesky', 'Still no fibre connection after the visit']],
  })
  cases.c3 = await insertCase({ brandId: a, priority: 2, status: 'waiting_on_customer', owner: people.boris, team: billingTeamId, language: 'ru', slaIn: null, openedMinutesAgo: 60, mentions: [['mastodon', 'Счёт за роуминг слишком большой']] })
  cases.c4 = await insertCase({ brandId: a, priority: 2, status: 'handed_off', owner: people.anna, team: brand.teamId, language: 'en', slaIn: 60, openedMinutesAgo: 300, mentions: [['bluesky', 'The invoice is wrong twice now']] })
  cases.c5 = await insertCase({ brandId: a, priority: 3, status: 'open', team: billingTeamId, language: 'et', slaIn: 120, openedMinutesAgo: 20, mentions: [['demo', 'Arve on vale']] })
  cases.c6 = await insertCase({ brandId: a, priority: 4, status: 'resolved', owner: people.anna, team: brand.teamId, language: 'en', slaIn: null, openedMinutesAgo: 600, mentions: [['x', 'Router fixed, thanks']] })
  cases.c9 = await insertCase({ brandId: a, priority: 2, status: 'open', team: brand.teamId, language: 'de', slaIn: null, openedMinutesAgo: 120, mentions: [['mastodon', 'Kein Internet seit Montag']] })
  // Merged into c2: closed, and never listed on its own.
  cases.c7 = await insertCase({ brandId: a, priority: 1, status: 'resolved', language: 'en', slaIn: null, openedMinutesAgo: 50, mentions: [['x', 'router router router']] })
  await care.db.sql`update care_case set status = 'closed', closed_at = now(), merged_into_id = ${cases.c2} where id = ${cases.c7}`
  cases.c8 = await insertCase({ brandId: other.brandId, priority: 1, status: 'new', language: 'en', slaIn: null, openedMinutesAgo: 10, mentions: [['x', 'My router is broken']] })
})

const get = (query: string, who = 'anna') => care.api.call('GET', `/api/cases?${query}`, undefined, cookies[who])

/** The page for `query`, and the filter bar's counts for its brand and search (a request of their own). */
async function inbox(query: string, who = 'anna'): Promise<{ names: string[]; counts: InboxCounts }> {
  const response = await get(query, who)
  expect(response.status, await response.clone().text()).toBe(200)
  const body = (await response.json()) as { cases: { id: string }[] }
  const given = new URLSearchParams(query)
  const countsQuery = new URLSearchParams([...given].filter(([name]) => name === 'brand' || name === 'q'))
  const countsResponse = await care.api.call('GET', `/api/cases/counts?${countsQuery}`, undefined, cookies[who])
  expect(countsResponse.status, await countsResponse.clone().text()).toBe(200)
  const { counts } = (await countsResponse.json()) as { counts: InboxCounts }
  const byId = new Map(Object.entries(cases).map(([name, id]) => [id, name]))
  return { names: body.cases.map((item) => byId.get(item.id) ?? item.id), counts }
}

const names = async (query: string, who = 'anna') => (await inbox(`brand=${brand.brandId}&${query}`, who)).names

describe('the inbox list', () => {
  it('lists open cases by priority, then the nearest SLA due time (none last), then the oldest', async () => {
    expect(await names('')).toEqual(['c2', 'c1', 'c4', 'c9', 'c3', 'c5'])
  })

  it('filters by view: mine, unassigned, my teams, all', async () => {
    expect(await names('view=mine')).toEqual(['c2', 'c4'])
    expect(await names('view=mine', 'boris')).toEqual(['c3'])
    expect(await names('view=unassigned')).toEqual(['c1', 'c9', 'c5'])
    expect(await names('view=team')).toEqual(['c2', 'c1', 'c4', 'c9'])
    expect(await names('view=team', 'boris')).toEqual(['c3', 'c5'])
    expect(await names('view=team', 'exec')).toEqual([])
    expect(await names('view=all')).toEqual(['c2', 'c1', 'c4', 'c9', 'c3', 'c5'])
  })

  it('filters by priority, language and platform', async () => {
    expect(await names('priority=1')).toEqual(['c2', 'c1'])
    expect(await names('priority=3,2')).toEqual(['c4', 'c9', 'c3', 'c5'])
    expect(await names('language=et')).toEqual(['c1', 'c5'])
    // A case is on every platform it has a mention on.
    expect(await names('platform=bluesky')).toEqual(['c2', 'c4'])
    expect(await names('platform=x')).toEqual(['c2', 'c1'])
    expect(await names('platform=mastodon')).toEqual(['c9', 'c3'])
  })

  it('filters by status; resolved and all include resolved cases, never merged ones', async () => {
    expect(await names('status=new')).toEqual(['c1'])
    expect(await names('status=open')).toEqual(['c2', 'c9', 'c5'])
    expect(await names('status=waiting')).toEqual(['c3'])
    expect(await names('status=handed_off')).toEqual(['c4'])
    expect(await names('status=resolved')).toEqual(['c6'])
    expect(await names('status=all')).toEqual(['c2', 'c1', 'c4', 'c9', 'c3', 'c5', 'c6'])
  })

  it('combines filters', async () => {
    expect(await names('view=mine&priority=2&platform=bluesky')).toEqual(['c4'])
    expect(await names('view=unassigned&language=et&status=open')).toEqual(['c5'])
    expect(await names('view=team&priority=2&language=de&platform=mastodon&status=open')).toEqual(['c9'])
    expect(await names('view=mine&language=ru')).toEqual([])
    expect(await names('view=mine&status=all&q=router')).toEqual(['c2', 'c6'])
  })

  it('limits the page, keeping the order', async () => {
    expect(await names('limit=2')).toEqual(['c2', 'c1'])
  })

  it('reads one brand, or every brand without brand=', async () => {
    expect((await inbox(`brand=${other.brandId}`)).names).toEqual(['c8'])
    expect((await inbox('priority=1')).names).toEqual(['c2', 'c1', 'c8'])
  })

  it('answers in the shape the web app reads', async () => {
    const response = await get(`brand=${brand.brandId}&limit=1`)
    const { cases: [first] } = (await response.json()) as { cases: Record<string, unknown>[] }
    expect(first).toMatchObject({
      id: cases.c2,
      brand_id: brand.brandId,
      status: 'open',
      priority: 1,
      owner: { id: people.anna, name: 'anna' },
      customer: { platform: 'x' },
      language: 'en',
      mentions: 2,
      latest_text: 'Still no fibre connection after the visit',
      reasons: [],
    })
  })
})

describe('search', () => {
  it('finds a case by a word in any one of its mentions', async () => {
    expect(await names('q=fibre')).toEqual(['c2'])
    expect(await names('q=blinking')).toEqual(['c2'])
    expect(await names('q=Arve')).toEqual(['c5'])
    expect(await names('q=роуминг')).toEqual(['c3'])
  })

  it('takes what people type into a search box: case, phrases, or, exclusions', async () => {
    expect(await names('q=ROUTER')).toEqual(['c2'])
    expect(await names(`q=${encodeURIComponent('"no fibre"')}`)).toEqual(['c2'])
    expect(await names(`q=${encodeURIComponent('"fibre no"')}`)).toEqual([])
    expect(await names('q=invoice%20or%20arve')).toEqual(['c4', 'c5'])
    expect(await names(`q=${encodeURIComponent('internet -montag')}`)).toEqual(['c1'])
    expect(await names('q=nothinglikethis')).toEqual([])
  })

  it('treats an empty search box as no search', async () => {
    expect(await names('q=&language=')).toEqual(['c2', 'c1', 'c4', 'c9', 'c3', 'c5'])
    expect(await names(`q=${encodeURIComponent('   ')}`)).toEqual(['c2', 'c1', 'c4', 'c9', 'c3', 'c5'])
  })
})

describe('counts', () => {
  const everything: InboxCounts = {
    all: 6,
    mine: 2,
    unassigned: 3,
    team: 4,
    priority: { '1': 2, '2': 3, '3': 1, '4': 0 },
    language: { et: 2, en: 2, ru: 1, de: 1 },
    platform: { x: 2, bluesky: 2, mastodon: 2, demo: 1 },
    status: { new: 1, open: 3, waiting: 1, handed_off: 1 },
  }

  it('counts the open cases of the brand for every view, priority, language, platform and status', async () => {
    expect((await inbox(`brand=${brand.brandId}`)).counts).toEqual(everything)
  })

  it('counts for the person asking', async () => {
    expect((await inbox(`brand=${brand.brandId}`, 'boris')).counts).toMatchObject({ mine: 1, team: 2, unassigned: 3, all: 6 })
  })

  it('ignores the other filters, so the filter bar shows what each choice holds', async () => {
    const { names: listed, counts } = await inbox(`brand=${brand.brandId}&view=mine&priority=4&platform=demo&language=ru&status=resolved`)
    expect(listed).toEqual([])
    expect(counts).toEqual(everything)
  })

  it('follows the search', async () => {
    expect((await inbox(`brand=${brand.brandId}&q=router`)).counts).toEqual({
      all: 1,
      mine: 1,
      unassigned: 0,
      team: 1,
      priority: { '1': 1, '2': 0, '3': 0, '4': 0 },
      language: { en: 1 },
      platform: { x: 1, bluesky: 1, mastodon: 0, demo: 0 },
      status: { new: 0, open: 1, waiting: 0, handed_off: 0 },
    })
  })

  it('takes only the brand and the search: the other filters are what it counts by', async () => {
    const response = await care.api.call('GET', `/api/cases/counts?brand=${brand.brandId}&view=mine`, undefined, cookies.anna)
    expect(response.status).toBe(400)
  })

  it('covers every brand without brand=', async () => {
    const { counts } = await inbox('')
    expect(counts.all).toBe(7)
    expect(counts.priority['1']).toBe(3)
  })
})

describe('bad queries', () => {
  it.each([
    'view=everyone',
    'status=closed',
    'status=waiting_on_customer',
    'priority=5',
    'priority=1,,2',
    'priority=high',
    'language=EST',
    'platform=facebook',
    'limit=0',
    'limit=501',
    'brand=abc',
    'owner=someone',
    'sort=priority',
  ])('answers 400 for %s', async (query) => {
    const response = await get(query)
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(((await response.json()) as { detail: string }).detail).not.toBe('')
  })

  it('still takes the earlier owner= spelling of the view', async () => {
    expect(await names('owner=me')).toEqual(['c2', 'c4'])
    expect(await names('owner=none')).toEqual(['c1', 'c9', 'c5'])
  })

  it('needs a session', async () => {
    expect((await care.api.call('GET', '/api/cases')).status).toBe(401)
  })
})
