// The admin API for brands and their clocks: settings, opening hours, holidays, SLA targets;
// zones, times and dates checked as the SLA calendar reads them; refusals and audit.
import { describe, expect, it } from 'vitest'
import { adminRoutes } from '../../worker/admin/routes'
import { describeAdminOnly, json, useDemoApi } from '../support/demo-api'

const demo = useDemoApi(adminRoutes, ['admin', 'agent'])
const { call, lastAudit } = demo

describeAdminOnly(demo, [
  ['GET', '/api/admin/brands', undefined],
  ['PATCH', '/api/admin/brands/1', { name: 'X' }],
  ['GET', '/api/admin/brands/1/hours', undefined],
  ['PUT', '/api/admin/brands/1/hours', { hours: [] }],
  ['GET', '/api/admin/brands/1/holidays', undefined],
  ['PUT', '/api/admin/brands/1/holidays', { holidays: [] }],
  ['GET', '/api/admin/brands/1/sla', undefined],
  ['PUT', '/api/admin/brands/1/sla', { policies: [] }],
])

describe('brand settings', () => {
  it('lists brands with their windows in days and minutes', async () => {
    const { brands } = await json<{ brands: unknown[] }>(await call('GET', '/api/admin/brands', undefined, 'admin'), 200)
    expect(brands).toEqual([
      {
        id: demo.brandId,
        slug: 'nordlink',
        name: 'Nordlink Telecom',
        time_zone: 'Europe/Tallinn',
        always_staffed: false,
        reopen_window_days: 7,
        promise_reminder_minutes: 60,
        webhook_url: null,
        webhook_signed: false,
        satisfaction_ask: true,
        satisfaction_texts: {},
        created_at: expect.any(String),
      },
    ])
  })

  it('sets the webhook without ever showing its secret, and the satisfaction ask', async () => {
    const change = {
      webhook_url: 'https://hooks.slack.example/services/T0/B0/x',
      webhook_secret: 'a-long-enough-shared-secret',
      satisfaction_ask: false,
      satisfaction_texts: { et: 'Kuidas meil läks? Vasta numbriga 1–5 või vajuta: {link}' },
    }
    const { brand } = await json<{ brand: Record<string, unknown> }>(await call('PATCH', `/api/admin/brands/${demo.brandId}`, change, 'admin'), 200)
    expect(brand).toMatchObject({ webhook_url: change.webhook_url, webhook_signed: true, satisfaction_ask: false, satisfaction_texts: change.satisfaction_texts })
    expect(JSON.stringify(brand)).not.toContain(change.webhook_secret)
    expect(JSON.stringify(await lastAudit('admin.brand.update'))).not.toContain(change.webhook_secret)
    const cleared = await json<{ brand: Record<string, unknown> }>(
      await call('PATCH', `/api/admin/brands/${demo.brandId}`, { webhook_url: null, webhook_secret: null, satisfaction_ask: true }, 'admin'),
      200,
    )
    expect(cleared.brand).toMatchObject({ webhook_url: null, webhook_signed: false, satisfaction_ask: true, satisfaction_texts: change.satisfaction_texts })
    await call('PATCH', `/api/admin/brands/${demo.brandId}`, { satisfaction_texts: {} }, 'admin')
  })

  it('changes them and audits what changed', async () => {
    const change = { name: 'Nordlink', time_zone: 'Europe/Helsinki', always_staffed: true, reopen_window_days: 10, promise_reminder_minutes: 30 }
    const { brand } = await json<{ brand: Record<string, unknown> }>(await call('PATCH', `/api/admin/brands/${demo.brandId}`, change, 'admin'), 200)
    expect(brand).toMatchObject(change)
    expect(await lastAudit('admin.brand.update')).toEqual({ actor_id: demo.ids.get('admin'), target_type: 'brand', target_id: demo.brandId, detail: { changes: change } })
    const back = await json<{ brand: Record<string, unknown> }>(
      await call('PATCH', `/api/admin/brands/${demo.brandId}`, { time_zone: 'Europe/Tallinn', always_staffed: false, reopen_window_days: 0 }, 'admin'),
      200,
    )
    expect(back.brand).toMatchObject({ name: 'Nordlink', time_zone: 'Europe/Tallinn', always_staffed: false, reopen_window_days: 0, promise_reminder_minutes: 30 })
  })

  it('refuses a zone the runtime does not know, with the calendar’s reason', async () => {
    const problem = await json<{ detail: string }>(await call('PATCH', `/api/admin/brands/${demo.brandId}`, { time_zone: 'Mars/Olympus_Mons' }, 'admin'), 400)
    expect(problem.detail).toContain('Unknown time zone "Mars/Olympus_Mons"')
    expect((await call('PATCH', `/api/admin/brands/${demo.brandId}`, { time_zone: 'not a zone' }, 'admin')).status).toBe(400)
  })

  it.each([
    {}, { reopen_window_days: -1 }, { promise_reminder_minutes: 1.5 }, { slug: 'other' }, { name: '' },
    { webhook_url: 'ftp://example.com/hook' }, { webhook_secret: 'short' }, { satisfaction_texts: { english: 'How did we do?' } },
  ])('answers 400 for %j', async (body) => {
    expect((await call('PATCH', `/api/admin/brands/${demo.brandId}`, body, 'admin')).status).toBe(400)
  })

  it('answers 404 for an unknown brand', async () => {
    expect((await call('PATCH', '/api/admin/brands/999999', { name: 'Nobody' }, 'admin')).status).toBe(404)
    expect((await call('PATCH', '/api/admin/brands/nordlink', { name: 'Nobody' }, 'admin')).status).toBe(404)
  })
})

describe('opening hours', () => {
  it('reads them as HH:MM', async () => {
    const { hours } = await json<{ hours: unknown[] }>(await call('GET', `/api/admin/brands/${demo.brandId}/hours`, undefined, 'admin'), 200)
    expect(hours).toHaveLength(6)
    expect(hours[0]).toEqual({ weekday: 1, opens_at: '08:00', closes_at: '20:00' })
  })

  it('replaces them, overnight and to midnight included, and audits it', async () => {
    const hours = [
      { weekday: 2, opens_at: '08:00', closes_at: '12:00' },
      { weekday: 2, opens_at: '13:00', closes_at: '17:30' },
      { weekday: 5, opens_at: '20:00', closes_at: '02:00' },
      { weekday: 7, opens_at: '10:00', closes_at: '24:00' },
    ]
    expect((await json<{ hours: unknown[] }>(await call('PUT', `/api/admin/brands/${demo.brandId}/hours`, { hours }, 'admin'), 200)).hours).toEqual(hours)
    expect((await json<{ hours: unknown[] }>(await call('GET', `/api/admin/brands/${demo.brandId}/hours`, undefined, 'admin'), 200)).hours).toEqual(hours)
    expect(await lastAudit('admin.brand.hours')).toMatchObject({ target_id: demo.brandId, detail: { hours } })
  })

  it.each([
    [[{ weekday: 1, opens_at: '8:00', closes_at: '16:00' }]],
    [[{ weekday: 1, opens_at: '08:00', closes_at: '24:30' }]],
    [[{ weekday: 0, opens_at: '08:00', closes_at: '16:00' }]],
    [[{ weekday: 1, opens_at: '08:00', closes_at: '08:00' }]],
    [[{ weekday: 1, opens_at: '08:00', closes_at: '12:00' }, { weekday: 1, opens_at: '08:00', closes_at: '16:00' }]],
  ])('answers 400 for %j', async (hours) => {
    expect((await call('PUT', `/api/admin/brands/${demo.brandId}/hours`, { hours }, 'admin')).status).toBe(400)
  })

  it('answers 404 for an unknown brand', async () => {
    expect((await call('GET', '/api/admin/brands/999999/hours', undefined, 'admin')).status).toBe(404)
    expect((await call('PUT', '/api/admin/brands/999999/hours', { hours: [] }, 'admin')).status).toBe(404)
  })
})

describe('holidays', () => {
  it('reads and replaces them, and audits it', async () => {
    const { holidays } = await json<{ holidays: { day: string; name: string }[] }>(await call('GET', `/api/admin/brands/${demo.brandId}/holidays`, undefined, 'admin'), 200)
    expect(holidays[0]).toEqual({ day: '2026-12-24', name: 'Christmas Eve' })
    const next = [
      { day: '2027-06-24', name: 'Midsummer Day' },
      { day: '2027-06-23', name: 'Victory Day' },
    ]
    const answer = await json<{ holidays: unknown[] }>(await call('PUT', `/api/admin/brands/${demo.brandId}/holidays`, { holidays: next }, 'admin'), 200)
    expect(answer.holidays).toEqual([next[1], next[0]])
    expect(await lastAudit('admin.brand.holidays')).toMatchObject({ target_id: demo.brandId, detail: { holidays: next } })
  })

  it.each([
    [[{ day: '2027-02-30', name: 'Not a day' }]],
    [[{ day: '24.06.2027', name: 'Wrong form' }]],
    [[{ day: '2027-06-24', name: '' }]],
    [[{ day: '2027-06-24', name: 'One' }, { day: '2027-06-24', name: 'Two' }]],
  ])('answers 400 for %j', async (holidays) => {
    expect((await call('PUT', `/api/admin/brands/${demo.brandId}/holidays`, { holidays }, 'admin')).status).toBe(400)
  })

  it('answers 404 for an unknown brand', async () => {
    expect((await call('GET', '/api/admin/brands/999999/holidays', undefined, 'admin')).status).toBe(404)
    expect((await call('PUT', '/api/admin/brands/999999/holidays', { holidays: [] }, 'admin')).status).toBe(404)
  })
})

describe('SLA policies', () => {
  it('reads and replaces them, and audits it', async () => {
    const { policies } = await json<{ policies: { priority: number }[] }>(await call('GET', `/api/admin/brands/${demo.brandId}/sla`, undefined, 'admin'), 200)
    expect(policies.map((policy) => policy.priority)).toEqual([1, 2, 3, 4])
    const next = [
      { priority: 2, first_response_minutes: 30, next_response_minutes: 60, resolution_minutes: 600 },
      { priority: 1, first_response_minutes: 10, next_response_minutes: 20, resolution_minutes: 240 },
    ]
    const answer = await json<{ policies: unknown[] }>(await call('PUT', `/api/admin/brands/${demo.brandId}/sla`, { policies: next }, 'admin'), 200)
    expect(answer.policies).toEqual([next[1], next[0]])
    expect(await lastAudit('admin.brand.sla')).toMatchObject({ target_id: demo.brandId, detail: { policies: next } })
  })

  it.each([
    [[{ priority: 5, first_response_minutes: 10, next_response_minutes: 20, resolution_minutes: 240 }]],
    [[{ priority: 1, first_response_minutes: 0, next_response_minutes: 20, resolution_minutes: 240 }]],
    [[{ priority: 1, first_response_minutes: 10, next_response_minutes: 20 }]],
    [
      [
        { priority: 1, first_response_minutes: 10, next_response_minutes: 20, resolution_minutes: 240 },
        { priority: 1, first_response_minutes: 15, next_response_minutes: 20, resolution_minutes: 240 },
      ],
    ],
  ])('answers 400 for %j', async (policies) => {
    expect((await call('PUT', `/api/admin/brands/${demo.brandId}/sla`, { policies }, 'admin')).status).toBe(400)
  })

  it('answers 404 for an unknown brand', async () => {
    expect((await call('GET', '/api/admin/brands/999999/sla', undefined, 'admin')).status).toBe(404)
    expect((await call('PUT', '/api/admin/brands/999999/sla', { policies: [] }, 'admin')).status).toBe(404)
  })
})
