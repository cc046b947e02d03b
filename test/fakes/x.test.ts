// Contract test of the fake X API: every JSON body it sends, whether read with
// plain fetch or through a real twitter-api-v2 client, is validated against the
// response schema that X's published OpenAPI document gives for that path,
// method, status and content type.
import http from 'node:http'
import { readFileSync } from 'node:fs'
import Ajv, { type ValidateFunction } from 'ajv'
import { ApiRequestError, ApiResponseError, type ITwitterApiClientPlugin, TwitterApi } from 'twitter-api-v2'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeX, startFakeX } from './x'

// CI clones the repository with `shared` beside it.
const CONTRACT = new URL('../../../shared/contracts/x-api-v2.openapi.json', import.meta.url)
const openapi: unknown = JSON.parse(readFileSync(CONTRACT, 'utf8'))

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function at(value: unknown, ...keys: string[]): unknown {
  let current = value
  for (const key of keys) {
    if (Array.isArray(current)) current = current[Number(key)]
    else if (isRecord(current)) current = current[key]
    else return undefined
  }
  return current
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

// --- The validator, built from the whole document ---

const ajv = new Ajv({ strict: false, allErrors: true })
// OpenAPI 3.0's `nullable` is understood by Ajv 8 itself; formats are not, so
// check the two that matter and accept the document's other (some misspelt) ones.
const formats = new Set<string>()
;(function collect(node: unknown): void {
  if (Array.isArray(node)) node.forEach(collect)
  else if (isRecord(node)) {
    if (typeof node.format === 'string') formats.add(node.format)
    Object.values(node).forEach(collect)
  }
})(openapi)
for (const format of formats) ajv.addFormat(format, true)
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i)
ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]+$/i)
if (!isRecord(openapi)) throw new Error('contract is not a JSON object')
ajv.addSchema(openapi, 'x-api')

const templates = Object.keys(isRecord(openapi.paths) ? openapi.paths : {}).map((template) => ({
  template,
  params: (template.match(/\{/g) ?? []).length,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}))

function templateFor(pathname: string): string | undefined {
  // '/2/users/me' also matches '/2/users/{id}': the literal path wins.
  return templates.filter((t) => t.pattern.test(pathname)).sort((a, b) => a.params - b.params)[0]?.template
}

const compiled = new Map<string, ValidateFunction>()

/** Schema violations of one response; `status` 'success' picks the document's 2xx answer. */
function violations(method: string, pathname: string, status: number | 'success', contentType: string, body: unknown): string[] {
  const template = templateFor(pathname)
  if (!template) return [`${pathname}: no such path in the contract`]
  const responses = at(openapi, 'paths', template, method.toLowerCase(), 'responses')
  if (!isRecord(responses)) return [`${method} ${template}: no such operation in the contract`]
  const key = status === 'success' ? Object.keys(responses).find((k) => k.startsWith('2')) : String(status)
  const response = (key !== undefined ? responses[key] : undefined) ?? responses.default
  const mediaType = contentType.split(';')[0]!.trim()
  const ref = at(response, 'content', mediaType, 'schema', '$ref')
  if (typeof ref !== 'string') return [`${method} ${template} ${status} ${mediaType}: no schema in the contract`]
  let validate = compiled.get(ref)
  if (!validate) {
    validate = ajv.compile({ $ref: `x-api${ref}` })
    compiled.set(ref, validate)
  }
  if (validate(body)) return []
  return (validate.errors ?? []).map((e) => `${method} ${pathname} ${status}: ${e.instancePath} ${e.message ?? ''} (${e.schemaPath})`)
}

function component(name: string, body: unknown): string[] {
  const validate = ajv.compile({ $ref: `x-api#/components/schemas/${name}` })
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)
}

// --- Clients that check every answer ---

let fake: FakeX
let contractErrors: string[] = []

beforeEach(async () => {
  fake = await startFakeX()
  contractErrors = []
})

afterEach(async () => {
  await fake.close()
  expect(contractErrors).toEqual([])
})

interface Reply {
  status: number
  headers: Headers
  body: unknown
}

interface CallInit {
  query?: Record<string, string>
  body?: unknown
  token?: string | null
  /** 'broken' when the test sends a deliberately malformed payload: the validator must then object. */
  contract?: 'valid' | 'broken'
}

async function call(method: string, path: string, init: CallInit = {}): Promise<Reply> {
  const url = new URL(path, fake.url)
  for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v)
  const token = init.token === undefined ? fake.bearerToken : init.token
  const response = await fetch(url, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  const contentType = response.headers.get('content-type') ?? ''
  const body: unknown = await response.json()
  const problems = violations(method, url.pathname, response.status, contentType, body)
  if (init.contract === 'broken') expect(problems).not.toEqual([])
  else expect(problems).toEqual([])
  return { status: response.status, headers: response.headers, body }
}

function contractPlugin(): ITwitterApiClientPlugin {
  return {
    onAfterRequest({ computedParams, response }) {
      const contentType = String(response.headers['content-type'] ?? '')
      contractErrors.push(...violations(computedParams.method, computedParams.url.pathname, 'success', contentType, response.data))
    },
    onResponseError({ computedParams, error }) {
      const contentType = String(error.headers['content-type'] ?? '')
      contractErrors.push(...violations(computedParams.method, computedParams.url.pathname, error.code, contentType, error.data))
    },
  }
}

/** Sends every call to the fake: the library's base URLs are constants, its plugins may rewrite them. */
function toFake(): ITwitterApiClientPlugin {
  return {
    onBeforeRequestConfig({ params }) {
      params.url = params.url.replace(/^https:\/\/api\.(x|twitter)\.com/, fake.url)
    },
  }
}

function client(token = fake.bearerToken): TwitterApi {
  return new TwitterApi(token, { httpAgent: new http.Agent(), plugins: [toFake(), contractPlugin()] })
}

function mentions(query: Record<string, string> = {}, token?: string | null): Promise<Reply> {
  return call('GET', `/2/users/${fake.brand.id}/mentions`, { query, token })
}

function ids(body: unknown): string[] {
  const data = at(body, 'data')
  return Array.isArray(data) ? data.map((t) => String(at(t, 'id'))) : []
}

const TWEET_FIELDS = strings(at(openapi, 'components', 'parameters', 'TweetFieldsParameter', 'schema', 'items', 'enum'))
const USER_FIELDS = strings(at(openapi, 'components', 'parameters', 'UserFieldsParameter', 'schema', 'items', 'enum'))
const EXPANSIONS = strings(at(openapi, 'components', 'parameters', 'TweetExpansionsParameter', 'schema', 'items', 'enum'))

// --- Tests ---

describe('the validator', () => {
  it('rejects bodies that break the contract, so the other tests can fail', () => {
    const path = '/2/users/1000/mentions'
    expect(violations('GET', path, 200, 'application/json', { data: [{ id: '1', text: 'hi', edit_history_tweet_ids: ['1'] }], meta: { result_count: 1 } })).toEqual([])
    expect(violations('GET', path, 200, 'application/json', { data: [], meta: { result_count: 0 } })).not.toEqual([]) // minItems 1
    expect(violations('GET', path, 200, 'application/json', { data: [{ id: 'abc', text: 7 }], meta: { result_count: '1' } })).toHaveLength(3)
    expect(violations('GET', path, 200, 'application/json', { data: [{ id: '1', text: 'x', created_at: 'yesterday' }] })).not.toEqual([])
    expect(violations('GET', path, 401, 'application/problem+json', { detail: 'Unauthorized' })).not.toEqual([]) // type and title required
    expect(violations('GET', '/2/users/me', 200, 'application/json', { data: { id: '1', name: 'A' } })).not.toEqual([]) // username required
    expect(violations('GET', '/2/nowhere', 200, 'application/json', {})).not.toEqual([])
  })
})

describe('mentions timeline', () => {
  it('returns every requested field and expansion, paged through by twitter-api-v2 over 3 pages', async () => {
    fake.addUser({ id: '2001', username: 'kati', name: 'Kati', followers: 42, verified: false })
    const original = fake.post({ text: 'an older tweet of the brand', authorId: fake.brand.id, mentionsBrand: false })
    const posted: string[] = []
    for (let i = 0; i < 12; i++) {
      posted.push(fake.post({
        text: `@acme my parcel ${i} is late #fail`,
        authorId: '2001',
        lang: 'et',
        referencedTweets: i === 0 ? [{ type: 'replied_to', id: original }] : undefined,
        publicMetrics: { likeCount: i },
      }))
    }
    fake.post({ text: 'not about the brand', authorId: '2001', mentionsBrand: false })

    const paginator = await client().v2.userMentionTimeline(fake.brand.id, {
      max_results: 5,
      'tweet.fields': ['author_id', 'created_at', 'conversation_id', 'in_reply_to_user_id', 'referenced_tweets', 'lang', 'public_metrics', 'entities', 'edit_controls', 'possibly_sensitive', 'reply_settings'],
      expansions: ['author_id', 'referenced_tweets.id', 'in_reply_to_user_id', 'entities.mentions.username'],
      'user.fields': ['username', 'name', 'public_metrics', 'verified', 'description', 'protected'],
    })
    await paginator.fetchLast()

    expect(paginator.tweets.map((t) => t.id)).toEqual([...posted].reverse())
    const pages = fake.requests.filter((r) => r.path.endsWith('/mentions'))
    expect(pages).toHaveLength(3)
    expect(pages.map((r) => r.query.pagination_token !== undefined)).toEqual([false, true, true])
    expect(paginator.meta.result_count).toBe(12)

    const first = paginator.tweets.at(-1)!
    expect(first).toMatchObject({
      author_id: '2001',
      lang: 'et',
      conversation_id: original,
      in_reply_to_user_id: fake.brand.id,
      referenced_tweets: [{ type: 'replied_to', id: original }],
      public_metrics: { like_count: 0, retweet_count: 0, reply_count: 0, quote_count: 0, bookmark_count: 0, impression_count: 0 },
      entities: { mentions: [{ start: 0, end: 5, username: 'acme', id: fake.brand.id }], hashtags: [{ start: 26, end: 31, tag: 'fail' }] },
      edit_history_tweet_ids: [first.id],
    })
    expect(new Date(first.created_at!).getTime()).toBeGreaterThan(0)
    expect(paginator.includes.author(first)).toEqual({
      id: '2001', name: 'Kati', username: 'kati', description: '', protected: false, verified: false,
      public_metrics: { followers_count: 42, following_count: 0, tweet_count: 13, listed_count: 0, like_count: 0 },
    })
    expect(paginator.includes.tweets.map((t) => t.id)).toEqual([original])
    expect(fake.served()).toEqual(new Set([...posted, original]))
  })

  it('returns only id, text and edit_history_tweet_ids without fields, and the same for the post.fields spelling', async () => {
    const id = fake.post({ text: '@acme hello', authorId: '2002' })
    const plain = await mentions()
    expect(plain.body).toEqual({ data: [{ id, text: '@acme hello', edit_history_tweet_ids: [id] }], meta: { result_count: 1, newest_id: id, oldest_id: id } })
    const legacy = await mentions({ 'tweet.fields': 'created_at,lang', expansions: 'author_id' })
    const renamed = await mentions({ 'post.fields': 'created_at,lang', expansions: 'author_id' })
    expect(renamed.body).toEqual(legacy.body)
    expect(at(legacy.body, 'includes', 'users')).toEqual([{ id: '2002', name: 'User 2002', username: 'user_2002' }])
  })

  it('accepts every field and expansion the contract lists, and rejects others', async () => {
    fake.post({ text: '@acme everything', authorId: '2003', referencedTweets: [{ type: 'quoted', id: '5' }] })
    const all = await mentions({ 'tweet.fields': TWEET_FIELDS.join(','), 'user.fields': USER_FIELDS.join(','), expansions: EXPANSIONS.join(',') })
    expect(all.status).toBe(200)
    // The quoted tweet does not exist: a partial error beside data, as X does.
    expect(at(all.body, 'errors', '0', 'resource_id')).toBe('5')
    expect(component('ResourceNotFoundProblem', at(all.body, 'errors', '0'))).toEqual([])
    const bad = await mentions({ 'tweet.fields': 'created_at,mood' })
    expect(bad.status).toBe(400)
    expect(component('InvalidRequestProblem', bad.body)).toEqual([])
    const unknownParam = await mentions({ colour: 'red' })
    expect(unknownParam.status).toBe(400)
  })

  it('keeps pagination stable while new tweets arrive', async () => {
    const older = Array.from({ length: 8 }, (_, i) => fake.post({ text: `@acme old ${i}`, authorId: '2004' }))
    const first = await mentions({ max_results: '5' })
    expect(ids(first.body)).toEqual(older.slice(3).reverse())
    for (let i = 0; i < 4; i++) fake.post({ text: `@acme new ${i}`, authorId: '2004' })
    const token = String(at(first.body, 'meta', 'next_token'))
    const second = await mentions({ max_results: '5', pagination_token: token })
    expect(ids(second.body)).toEqual(older.slice(0, 3).reverse())
    expect(at(second.body, 'meta', 'next_token')).toBeUndefined()
  })

  it('treats since_id and until_id as exclusive', async () => {
    const posted = Array.from({ length: 6 }, (_, i) => fake.post({ text: `@acme ${i}`, authorId: '2005' }))
    const since = await mentions({ since_id: posted[2]! })
    expect(ids(since.body)).toEqual(posted.slice(3).reverse())
    const between = await mentions({ since_id: posted[1]!, until_id: posted[4]! })
    expect(ids(between.body)).toEqual([posted[3], posted[2]])
    expect(at(between.body, 'meta')).toEqual({ result_count: 2, newest_id: posted[3], oldest_id: posted[2] })
    // start_time/end_time filter by created_at when no ids are given.
    const old = fake.post({ text: '@acme ancient', authorId: '2005', id: '7', createdAt: new Date('2020-01-01T00:00:00Z') })
    const window = await mentions({ start_time: '2019-12-31T00:00:00Z', end_time: '2020-01-02T00:00:00Z' })
    expect(ids(window.body)).toEqual([old])
  })

  it('answers an empty timeline with meta only, also through the client', async () => {
    const empty = await mentions()
    expect(empty.body).toEqual({ meta: { result_count: 0 } })
    const latest = fake.post({ text: '@acme hi', authorId: '2006' })
    expect((await mentions({ since_id: latest })).body).toEqual({ meta: { result_count: 0 } })
    const paginator = await client().v2.userMentionTimeline(fake.brand.id, { since_id: latest })
    expect(paginator.tweets).toEqual([])
    expect(paginator.done).toBe(true)
  })

  it('returns malformed items verbatim in their place and does not count them as served', async () => {
    const a = fake.post({ text: '@acme a', authorId: '2007' })
    const broken = fake.postMalformed({ id: 12, txt: null })
    const b = fake.post({ text: '@acme b', authorId: '2007' })
    const reply = await call('GET', `/2/users/${fake.brand.id}/mentions`, { contract: 'broken' })
    expect(at(reply.body, 'data')).toEqual([
      { id: b, text: '@acme b', edit_history_tweet_ids: [b] },
      { id: 12, txt: null },
      { id: a, text: '@acme a', edit_history_tweet_ids: [a] },
    ])
    expect(BigInt(broken) > BigInt(a) && BigInt(broken) < BigInt(b)).toBe(true)
    expect(fake.served()).toEqual(new Set([a, b]))
  })
})

describe('recent search', () => {
  it('pages with next_token through twitter-api-v2 and accepts pagination_token too', async () => {
    const hits = Array.from({ length: 25 }, (_, i) => fake.post({ text: `Where is my REFUND number ${i}?`, authorId: '2010', mentionsBrand: i % 2 === 0 }))
    fake.post({ text: 'a refund-free tweet', authorId: '2010' })
    fake.post({ text: 'nothing to see', authorId: '2010' })

    const paginator = await client().v2.search('refund number -is:retweet lang:en', { max_results: 10, expansions: ['author_id'] })
    await paginator.fetchLast()
    expect(paginator.tweets.map((t) => t.id)).toEqual([...hits].reverse())
    const pages = fake.requests.filter((r) => r.path === '/2/tweets/search/recent')
    expect(pages.map((r) => r.query.next_token !== undefined)).toEqual([false, true, true])

    const first = await call('GET', '/2/tweets/search/recent', { query: { query: 'refund number' } })
    const token = String(at(first.body, 'meta', 'next_token'))
    const viaNext = await call('GET', '/2/tweets/search/recent', { query: { query: 'refund number', next_token: token } })
    const viaPagination = await call('GET', '/2/tweets/search/recent', { query: { query: 'refund number', pagination_token: token } })
    expect(ids(viaPagination.body)).toEqual(ids(viaNext.body))
    expect(ids(viaNext.body)).toEqual(hits.slice(5, 15).reverse())

    const since = await call('GET', '/2/tweets/search/recent', { query: { query: 'refund number', since_id: hits[22]! } })
    expect(ids(since.body)).toEqual([hits[24], hits[23]])
  })

  it('rejects a missing or too long query and max_results outside 10..100', async () => {
    const cases: Record<string, string>[] = [{}, { query: '' }, { query: 'x'.repeat(513) }, { query: 'refund', max_results: '9' }, { query: 'refund', max_results: '101' }]
    for (const query of cases) {
      const reply = await call('GET', '/2/tweets/search/recent', { query })
      expect(reply.status).toBe(400)
      expect(component('InvalidRequestProblem', reply.body)).toEqual([])
    }
  })
})

describe('errors', () => {
  it('answers 401 with the X problem body without or with a wrong token', async () => {
    const problem = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }
    expect(await mentions({}, null)).toMatchObject({ status: 401, body: problem })
    expect(await mentions({}, 'wrong')).toMatchObject({ status: 401, body: problem })
    const error = await client('wrong').v2.userMentionTimeline(fake.brand.id).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiResponseError)
    expect((error as ApiResponseError).code).toBe(401)
  })

  it('answers 400 invalid-request for max_results outside 5..100', async () => {
    for (const value of ['4', '101', 'ten']) {
      const reply = await mentions({ max_results: value })
      expect(reply.status).toBe(400)
      expect(reply.body).toEqual({
        errors: [{ parameters: { max_results: [value] }, message: `The \`max_results\` query parameter value [${value}] is not between 5 and 100` }],
        title: 'Invalid Request',
        detail: 'One or more parameters to your request was invalid.',
        type: 'https://api.twitter.com/2/problems/invalid-request',
      })
      expect(component('InvalidRequestProblem', reply.body)).toEqual([])
    }
  })

  it('answers 404 for unknown paths', async () => {
    // No path of the contract to take the schema from: check the generic problem shape.
    const response = await fetch(`${fake.url}/2/nothing/here`, { headers: { authorization: `Bearer ${fake.bearerToken}` } })
    const body: unknown = await response.json()
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(body).toEqual({ title: 'Not Found', type: 'about:blank', status: 404, detail: 'Not Found' })
    expect(component('Problem', body)).toEqual([])
  })

  it('fails the next reads as told: status codes, resets and silence', async () => {
    fake.fail(1, 503)
    fake.fail(1, 502)
    fake.fail(1, 500)
    expect((await mentions()).status).toBe(503)
    expect((await mentions()).status).toBe(502)
    expect((await mentions()).status).toBe(500)
    expect((await mentions()).status).toBe(200)

    fake.fail(1, 'reset')
    const reset = await client().v2.userMentionTimeline(fake.brand.id).catch((e: unknown) => e)
    expect(reset).toBeInstanceOf(ApiRequestError)

    fake.fail(1, 'timeout')
    const timeout = await fetch(`${fake.url}/2/users/me`, { headers: { authorization: `Bearer ${fake.bearerToken}` }, signal: AbortSignal.timeout(200) }).catch((e: unknown) => e)
    expect(timeout).toBeInstanceOf(Error)
    expect((timeout as Error).name).toBe('TimeoutError')
    expect((await mentions()).status).toBe(200)
    expect(fake.requests.map((r) => r.status)).toEqual([503, 502, 500, 200, 0, 0, 200])
  })
})

describe('rate limits', () => {
  it('counts per endpoint in windows of the fake clock and answers 429 once spent', async () => {
    await fake.close()
    let clock = Date.UTC(2026, 3, 1)
    fake = await startFakeX({ now: () => clock })
    const reset = String(Math.ceil((clock + 60_000) / 1000))

    fake.setRateLimit(3, 60)
    const first = await mentions()
    expect([first.headers.get('x-rate-limit-limit'), first.headers.get('x-rate-limit-remaining'), first.headers.get('x-rate-limit-reset')]).toEqual(['3', '2', reset])
    expect((await mentions()).headers.get('x-rate-limit-remaining')).toBe('1')

    fake.exhaust('mentions')
    const limited = await mentions()
    expect(limited.status).toBe(429)
    expect(limited.body).toEqual({ title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' })
    expect([limited.headers.get('x-rate-limit-limit'), limited.headers.get('x-rate-limit-remaining'), limited.headers.get('x-rate-limit-reset')]).toEqual(['3', '0', reset])
    expect((await call('GET', '/2/tweets/search/recent', { query: { query: 'x' } })).headers.get('x-rate-limit-remaining')).toBe('2')

    const error = await client().v2.userMentionTimeline(fake.brand.id).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiResponseError)
    expect((error as ApiResponseError).code).toBe(429)
    expect((error as ApiResponseError).rateLimit).toEqual({ limit: 3, remaining: 0, reset: Number(reset) })

    clock += 60_000
    const again = await mentions()
    expect(again.status).toBe(200)
    expect(again.headers.get('x-rate-limit-remaining')).toBe('2')
  })

  it('defaults to 450 requests per 15 minutes', async () => {
    const reply = await mentions()
    expect(reply.headers.get('x-rate-limit-limit')).toBe('450')
    expect(Number(reply.headers.get('x-rate-limit-reset')) - Date.now() / 1000).toBeGreaterThan(890)
  })
})

describe('the brand account', () => {
  it('tells who the brand is', async () => {
    expect(await client().v2.me({ 'user.fields': ['public_metrics', 'verified'] })).toEqual({
      data: { id: '1000', name: 'Acme', username: 'acme', verified: true, public_metrics: { followers_count: 12000, following_count: 0, tweet_count: 0, listed_count: 0, like_count: 0 } },
    })
  })

  it('stores replies made with POST /2/tweets and lists them among its tweets', async () => {
    const complaint = fake.post({ text: '@acme broken again', authorId: '2020' })
    const created = await client().v2.reply('Sorry! We are on it.', complaint)
    expect(created.data).toEqual({ id: expect.stringMatching(/^\d+$/), text: 'Sorry! We are on it.', edit_history_tweet_ids: [created.data.id] })
    expect(BigInt(created.data.id) > BigInt(complaint)).toBe(true)
    const raw = await call('POST', '/2/tweets', { body: { text: 'plain' } })
    expect(raw.status).toBe(201)

    const own = await call('GET', `/2/users/${fake.brand.id}/tweets`, { query: { 'tweet.fields': 'in_reply_to_user_id,conversation_id,referenced_tweets', exclude: 'retweets' } })
    expect(at(own.body, 'data')).toEqual([
      { id: ids(own.body)[0], text: 'plain', edit_history_tweet_ids: [ids(own.body)[0]], conversation_id: ids(own.body)[0] },
      {
        id: created.data.id, text: 'Sorry! We are on it.', edit_history_tweet_ids: [created.data.id],
        conversation_id: complaint, in_reply_to_user_id: '2020', referenced_tweets: [{ type: 'replied_to', id: complaint }],
      },
    ])
    expect(ids((await call('GET', `/2/users/${fake.brand.id}/tweets`, { query: { exclude: 'replies' } })).body)).toHaveLength(1)
    // The brand's own reply is not a mention of the brand.
    expect(ids((await mentions()).body)).toEqual([complaint])

    const orphan = await call('POST', '/2/tweets', { body: { text: 'hello?', reply: { in_reply_to_tweet_id: '99' } } })
    expect(orphan).toMatchObject({ status: 403, body: { title: 'Forbidden', type: 'about:blank' } })
    expect((await call('POST', '/2/tweets', { body: { text: 'x', colour: 'red' } })).status).toBe(400)
  })

  it('sends direct messages and lists DM events', async () => {
    const api = client()
    const sent = await api.v2.sendDmToParticipant('2030', { text: 'Could you DM us your order number?' })
    expect(sent).toEqual({ data: { dm_conversation_id: '1000-2030', dm_event_id: expect.stringMatching(/^\d+$/) } })
    const answer = fake.receiveDm('2030', 'It is 12345')
    await api.v2.sendDmToParticipant('2040', { text: 'Hello' })

    const events = await api.v2.listDmEvents({ 'dm_event.fields': ['created_at', 'sender_id', 'dm_conversation_id'], expansions: ['sender_id'] })
    expect(events.events.map((e) => ('text' in e ? e.text : undefined))).toEqual(['Hello', 'It is 12345', 'Could you DM us your order number?'])
    expect(events.events[1]).toMatchObject({ id: answer, event_type: 'MessageCreate', sender_id: '2030', dm_conversation_id: '1000-2030' })

    const page = await call('GET', '/2/dm_events', { query: { max_results: '2' } })
    expect(at(page.body, 'data', '0')).toEqual({ id: expect.any(String), event_type: 'MessageCreate', text: 'Hello' })
    const next = await call('GET', '/2/dm_events', { query: { max_results: '2', pagination_token: String(at(page.body, 'meta', 'next_token')) } })
    expect(at(next.body, 'meta')).toEqual({ result_count: 1 })
    expect((await call('POST', '/2/dm_conversations/with/2030/messages', { body: { text: '' } })).status).toBe(400)
  })
})
