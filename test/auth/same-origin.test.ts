// The CSRF guard: writes a browser marks as cross-site are refused; everything else passes.
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { sameOriginWrites } from '../../worker/http/same-origin'

const app = new Hono()
  .use('*', sameOriginWrites())
  .get('/api/thing', (c) => c.text('read'))
  .on(['POST', 'PUT', 'PATCH', 'DELETE'], '/api/thing', (c) => c.text('written'))

const url = 'https://earshot.example/api/thing'

function send(method: string, headers: Record<string, string> = {}) {
  return app.request(url, { method, headers })
}

describe('sameOriginWrites', () => {
  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('refuses a %s from another origin with a 403 problem', async (method) => {
    const response = await send(method, { origin: 'https://evil.example' })
    expect(response.status).toBe(403)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await response.json()).toMatchObject({ status: 403, detail: expect.stringMatching(/^Cross-site request refused/) })
  })

  it.each([
    ['another scheme', 'http://earshot.example'],
    ['another port', 'https://earshot.example:8443'],
    ['a subdomain', 'https://app.earshot.example'],
    ['an opaque origin', 'null'],
  ])('refuses %s', async (_, origin) => {
    expect((await send('POST', { origin })).status).toBe(403)
  })

  it('lets the same origin write', async () => {
    const response = await send('POST', { origin: 'https://earshot.example', 'sec-fetch-site': 'same-origin' })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('written')
  })

  it.each(['cross-site', 'same-site'])('refuses Sec-Fetch-Site: %s even without Origin', async (site) => {
    expect((await send('POST', { 'sec-fetch-site': site })).status).toBe(403)
    expect((await send('DELETE', { 'sec-fetch-site': site, origin: 'https://earshot.example' })).status).toBe(403)
  })

  it("lets Sec-Fetch-Site: none (the user's own action, not a site's) through", async () => {
    expect((await send('POST', { 'sec-fetch-site': 'none' })).status).toBe(200)
  })

  it('never refuses a read', async () => {
    const response = await send('GET', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })
    expect(response.status).toBe(200)
  })

  it('lets requests without Origin or Sec-Fetch-Site through (curl, scripts)', async () => {
    expect((await send('POST')).status).toBe(200)
  })
})
