// The executive handoff end to end over HTTP: request, accept or decline, callback, reminder,
// outcome and breach, with what the agent is told and what the timeline and webhook say.
import { beforeAll, describe, expect, it } from 'vitest'
import type { SessionUser } from '../../worker/auth/session'
import { resolveCase } from '../../worker/cases/status'
import { handoffRoutes } from '../../worker/handoff/routes'
import { sweepHandoffs } from '../../worker/handoff/sweep'
import { handoffSweep } from '../../worker/jobs/handoff-sweep'
import { useCareApi, type Person } from '../support/care-api'
import { useWebhookReceiver } from '../support/webhook-receiver'

const care = useCareApi(handoffRoutes, 'handoff-flow')
const receiver = useWebhookReceiver('handoff-flow-webhook-secret')
const { hooks } = receiver
let agent: Person
let exec: Person
let other: Person
let admin: Person

beforeAll(async () => {
  await care.db.sql`
    update brand set handoff_webhook_url = ${receiver.url}, handoff_webhook_secret = ${receiver.secret} where id = ${care.brand.brandId}`
  agent = await care.person({ email: 'agent@handoff.example', name: 'Ann Agent' })
  exec = await care.person({ email: 'exec@handoff.example', name: 'Eve Exec', role: 'executive', teamId: undefined })
  other = await care.person({ email: 'other@handoff.example', name: 'Otto Exec', role: 'executive', teamId: undefined })
  admin = await care.person({ email: 'admin@handoff.example', name: 'Ada Admin', role: 'admin' })
})

const call = (method: string, path: string, who: Person | undefined, body?: unknown) => care.api.call(method, path, body, who?.cookie)
const json = async <T>(response: Response, status: number): Promise<T> => {
  const text = await response.text()
  expect(response.status, text).toBe(status)
  return JSON.parse(text) as T
}
type Handoff = { id: string; status: string; executive_id: string | null; callback_at: string | null }

async function ownedCase(): Promise<string> {
  const caseId = await care.newCase()
  await care.db.sql`update care_case set owner_id = ${agent.id}, status = 'open' where id = ${caseId}`
  return caseId
}

async function handOff(caseId: string, executiveId?: string): Promise<Handoff> {
  const { handoff } = await json<{ handoff: Handoff }>(
    await call('POST', `/api/cases/${caseId}/handoff`, agent, { executive_id: executiveId, summary: 'Outage since Monday; wants a call.' }),
    201,
  )
  return handoff
}

const notifications = (userId: string, caseId: string) =>
  care.db.sql<{ kind: string; body: Record<string, unknown> }[]>`
    select kind, body from notification where user_id = ${userId} and case_id = ${caseId} order by id`
const events = (caseId: string) =>
  care.db.sql<{ kind: string; actor_id: string | null; body: Record<string, unknown> }[]>`
    select kind, actor_id, body from case_event where case_id = ${caseId} order by id`
const asUser = (person: Person, role: SessionUser['role'], name: string): SessionUser => ({ id: person.id, email: `${person.id}@x`, name, role })

describe('executive handoff', () => {
  it('drafts a summary from the timeline for agents only', async () => {
    const caseId = await ownedCase()
    const { summary } = await json<{ summary: string }>(await call('GET', `/api/cases/${caseId}/handoff/draft`, agent), 200)
    expect(summary).toMatch(/^Who: handoff-flow-customer-\d+, @handoff-flow-customer-\d+ \(x\) \(case \d+, P4\)/)
    expect(summary).toContain('Contacts: 0 messages')
    expect((await call('GET', `/api/cases/${caseId}/handoff/draft`, exec)).status).toBe(403)
    expect((await call('GET', '/api/cases/999999/handoff/draft', agent)).status).toBe(404)
  })

  it('goes request → accept → schedule → reminder → outcome, and the agent sees every step', async () => {
    const caseId = await ownedCase()
    const before = hooks.length
    const requested = await handOff(caseId, exec.id)
    expect(requested).toMatchObject({ status: 'requested', executive_id: exec.id })
    expect((await care.db.sql`select status from care_case where id = ${caseId}`)[0]!.status).toBe('handed_off')
    expect(await notifications(exec.id, caseId)).toMatchObject([{ kind: 'handoff_requested', body: { from: 'Ann Agent', pool: false } }])

    // Only the named executive (or an admin) may take it; a second one cannot be requested.
    expect(((await json<{ detail: string }>(await call('POST', `/api/handoffs/${requested.id}/accept`, other), 403)).detail)).toMatch(/Eve Exec's/)
    expect((await json<{ detail: string }>(await call('POST', `/api/cases/${caseId}/handoff`, agent, { summary: 'again' }), 409)).detail).toMatch(/already has handoff/)
    expect((await call('POST', `/api/handoffs/${requested.id}/callback`, exec, { callback_at: new Date(Date.now() + 3_600_000).toISOString(), channel: 'phone', contact: '+372 5555' })).status).toBe(409)

    await json(await call('POST', `/api/handoffs/${requested.id}/accept`, exec), 200)
    const callbackAt = new Date(Date.now() + 30 * 60_000)
    const { handoff: scheduled } = await json<{ handoff: Handoff }>(
      await call('POST', `/api/handoffs/${requested.id}/callback`, exec, { callback_at: callbackAt.toISOString(), channel: 'phone', contact: '+372 5555 1234' }),
      200,
    )
    expect(scheduled.status).toBe('callback_scheduled')

    // Within the brand's reminder lead (1 hour): reminded once, however often the sweep runs.
    expect(await sweepHandoffs(care.db.sql, new Date())).toEqual({ reminded: 1, breached: 0, webhooks: 1 })
    expect((await handoffSweep.run(care.services, new Date())).reminded).toBe(0)

    await json(await call('POST', `/api/handoffs/${requested.id}/outcome`, exec, { outcome: 'Called; credit of one month agreed.' }), 200)
    expect((await call('POST', `/api/handoffs/${requested.id}/outcome`, exec, { outcome: 'again' })).status).toBe(409)
    expect((await care.db.sql`select status from care_case where id = ${caseId}`)[0]!.status).toBe('open')

    const timeline = await events(caseId)
    expect(timeline.map((event) => [event.kind, event.body.action ?? event.body.to ?? null])).toEqual([
      ['handoff', 'requested'], ['status', 'handed_off'], ['handoff', 'accepted'], ['callback', 'scheduled'],
      ['reminder', null], ['callback', 'completed'], ['status', 'open'],
    ])
    expect(timeline[0]).toMatchObject({ actor_id: agent.id, body: { handoff_id: requested.id, executive_id: exec.id, executive: 'Eve Exec', summary: 'Outage since Monday; wants a call.' } })
    expect(timeline[2]).toMatchObject({ actor_id: exec.id, body: { status: 'accepted', executive: 'Eve Exec' } })
    expect(timeline[3]).toMatchObject({ actor_id: exec.id, body: { callback_at: callbackAt.toISOString(), channel: 'phone', contact: '+372 5555 1234' } })
    expect(timeline[4]).toMatchObject({ actor_id: null, body: { handoff_id: requested.id, clock: 'callback', callback_at: callbackAt.toISOString() } })
    expect(timeline[5]).toMatchObject({ actor_id: exec.id, body: { status: 'done', outcome: 'Called; credit of one month agreed.', late: false } })

    expect((await notifications(agent.id, caseId)).map((n) => n.kind)).toEqual(['handoff_accepted', 'callback_scheduled', 'callback_due', 'handoff_done'])
    expect((await notifications(exec.id, caseId)).map((n) => n.kind)).toEqual(['handoff_requested', 'callback_due'])
    const audits = await care.db.sql`select action, actor_id from audit_log where target_type = 'handoff' and target_id = ${requested.id} order by id`
    expect(audits.map((row) => row.action)).toEqual(['handoff.request', 'handoff.accept', 'handoff.schedule', 'handoff.outcome'])

    // Webhooks: requested, accepted, callback due; each signed.
    expect(hooks.slice(before).map((hook) => [hook.event, hook.valid])).toEqual([
      ['handoff_requested', true], ['handoff_accepted', true], ['callback_due', true],
    ])
    expect(hooks[before]!.text).toContain(`case #${caseId}`)

    // With the callback done the case can be resolved.
    expect((await resolveCase(care.db.sql, { caseId, actor: asUser(agent, 'agent', 'Ann Agent') })).ok).toBe(true)
  })

  it('declines with a reason: the agent is told, the case returns, and a new handoff is allowed', async () => {
    const caseId = await ownedCase()
    const pooled = await handOff(caseId)
    expect((await notifications(exec.id, caseId)).map((n) => n.kind)).toEqual(['handoff_requested'])
    expect((await notifications(other.id, caseId)).map((n) => n.kind)).toEqual(['handoff_requested'])
    expect((await call('POST', `/api/handoffs/${pooled.id}/decline`, other, {})).status).toBe(400)
    const { handoff } = await json<{ handoff: Handoff & { decline_reason: string } }>(
      await call('POST', `/api/handoffs/${pooled.id}/decline`, other, { reason: 'Billing dispute: belongs with the billing lead.' }),
      200,
    )
    expect(handoff).toMatchObject({ status: 'declined', decline_reason: 'Billing dispute: belongs with the billing lead.' })
    expect(await notifications(agent.id, caseId)).toMatchObject([
      { kind: 'handoff_declined', body: { handoff_id: pooled.id, executive: 'Otto Exec', reason: 'Billing dispute: belongs with the billing lead.' } },
    ])
    expect((await care.db.sql`select status from care_case where id = ${caseId}`)[0]!.status).toBe('open')
    const timeline = await events(caseId)
    expect(timeline.at(-2)).toMatchObject({ kind: 'handoff', actor_id: other.id, body: { action: 'declined', reason: 'Billing dispute: belongs with the billing lead.' } })
    expect(timeline.at(-1)).toMatchObject({ kind: 'status', body: { from: 'handed_off', to: 'open' } })
    const again = await handOff(caseId, exec.id)
    expect(again.status).toBe('requested')
    expect((await call('POST', `/api/handoffs/${pooled.id}/accept`, exec)).status).toBe(409)
  })

  it('refuses to resolve a case while a callback is owed', async () => {
    const caseId = await ownedCase()
    const handoff = await handOff(caseId)
    // From the pool, whoever accepts has it; others may no longer act on it.
    await json(await call('POST', `/api/handoffs/${handoff.id}/accept`, other), 200)
    expect((await call('POST', `/api/handoffs/${handoff.id}/decline`, exec, { reason: 'not mine' })).status).toBe(403)
    await json(await call('POST', `/api/handoffs/${handoff.id}/callback`, other, { callback_at: new Date(Date.now() + 86_400_000).toISOString(), channel: 'x', contact: '@kati' }), 200)
    const refused = await resolveCase(care.db.sql, { caseId, actor: asUser(agent, 'agent', 'Ann Agent') })
    expect(refused).toMatchObject({ ok: false, status: 409 })
    expect(!refused.ok && refused.detail).toMatch(new RegExp(`owed callback from handoff #${handoff.id} \\(scheduled .* with Otto Exec\\)`))
  })

  it('tells the brand’s webhook of every case that became P1, once, with the reason', async () => {
    const caseId = await ownedCase()
    await care.db.sql`update care_case set priority = 1, p1_announced_at = null where id = ${caseId}`
    await care.db.sql`
      insert into case_event (case_id, kind, body)
      values (${caseId}, 'priority', ${JSON.stringify({ from: 3, to: 1, reason: 'regulator threat' })}::text::jsonb)`
    const before = hooks.length
    await sweepHandoffs(care.db.sql, new Date())
    await sweepHandoffs(care.db.sql, new Date())
    const announced = hooks.slice(before).filter((hook) => hook.event === 'p1_case' && hook.text.includes(`case #${caseId} (P1)`))
    expect(announced).toEqual([{ event: 'p1_case', text: expect.any(String), valid: true }])
    expect(announced[0]!.text).toContain('Raised to P1: regulator threat')
  })

  it('breaches a callback that passed without an outcome, raising the priority and telling everyone on it', async () => {
    const caseId = await ownedCase()
    await care.db.sql`update care_case set priority = 2 where id = ${caseId}`
    const handoff = await handOff(caseId, exec.id)
    await json(await call('POST', `/api/handoffs/${handoff.id}/accept`, exec), 200)
    const callbackAt = new Date(Date.now() + 2 * 3_600_000)
    await json(await call('POST', `/api/handoffs/${handoff.id}/callback`, exec, { callback_at: callbackAt.toISOString(), channel: 'email', contact: 'kati@example.com' }), 200)
    const before = hooks.length
    const later = new Date(callbackAt.getTime() + 60_000)
    const first = await sweepHandoffs(care.db.sql, later)
    expect(first.breached).toBeGreaterThanOrEqual(1)
    expect((await sweepHandoffs(care.db.sql, later)).breached).toBe(0)

    const timeline = await events(caseId)
    const sla = timeline.filter((event) => event.kind === 'sla')
    expect(sla).toEqual([{ kind: 'sla', actor_id: null, body: { clock: 'callback', handoff_id: handoff.id, due_at: callbackAt.toISOString(), breached: true, executive_id: exec.id } }])
    expect(timeline.filter((event) => event.kind === 'priority')).toMatchObject([{ body: { from: 2, to: 1, reason: 'executive callback missed' } }])
    expect((await care.db.sql`select priority from care_case where id = ${caseId}`)[0]!.priority).toBe(1)
    for (const userId of [agent.id, exec.id, care.brand.leadId]) {
      expect((await notifications(userId, caseId)).filter((n) => n.kind === 'sla_breach')).toMatchObject([{ body: { clock: 'callback', handoff_id: handoff.id } }])
    }
    expect(hooks.slice(before).filter((hook) => hook.event === 'p1_case').map((hook) => hook.valid)).toEqual([true])
    // Still owed: an outcome, even a late one, is what settles it.
    await json(await call('POST', `/api/handoffs/${handoff.id}/outcome`, exec, { outcome: 'Reached her the next morning.' }), 200)
    expect((await events(caseId)).at(-2)).toMatchObject({ kind: 'callback', body: { action: 'completed', late: true } })
  })

  it('serves an .ics for a scheduled callback', async () => {
    const caseId = await ownedCase()
    const handoff = await handOff(caseId, exec.id)
    expect((await call('GET', `/api/handoffs/${handoff.id}/callback.ics`, agent)).status).toBe(409)
    await json(await call('POST', `/api/handoffs/${handoff.id}/accept`, exec), 200)
    const at = new Date('2099-06-01T10:15:00Z')
    await json(await call('POST', `/api/handoffs/${handoff.id}/callback`, exec, { callback_at: at.toISOString(), channel: 'phone', contact: '+372 5555, ext. 7' }), 200)
    const response = await call('GET', `/api/handoffs/${handoff.id}/callback.ics`, agent)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8')
    const text = await response.text()
    const unfolded = text.replace(/\r\n /g, '')
    expect(unfolded).toContain(`UID:handoff-${handoff.id}@localhost\r\n`)
    expect(unfolded).toContain('DTSTART:20990601T101500Z\r\n')
    expect(unfolded).toMatch(/SUMMARY:Call back handoff-flow-customer-\d+ \(handoff-flow case #\d+\)\r\n/)
    expect(unfolded).toContain('LOCATION:phone: +372 5555\\, ext. 7\r\n')
    expect((await call('GET', '/api/handoffs/999999/callback.ics', agent)).status).toBe(404)
  })

  it('lists the queue by priority, then age: the pool and my own, not other executives\'', async () => {
    const make = async (priority: number, executiveId?: string) => {
      const caseId = await ownedCase()
      await care.db.sql`update care_case set priority = ${priority} where id = ${caseId}`
      return (await handOff(caseId, executiveId)).id
    }
    await care.db.sql`update handoff set status = 'declined', decline_reason = 'test reset' where status in ('requested', 'accepted', 'callback_scheduled')`
    const oldP3 = await make(3)
    const p1 = await make(1, exec.id)
    const newP3 = await make(3, exec.id)
    const othersP2 = await make(2, other.id)
    const p2 = await make(2)
    const mine = await json<{ handoffs: { id: string; priority: number; requested_by: { name: string } }[] }>(await call('GET', '/api/handoffs', exec), 200)
    expect(mine.handoffs.map((h) => h.id)).toEqual([p1, p2, oldP3, newP3])
    expect(mine.handoffs[0]).toMatchObject({ priority: 1, requested_by: { name: 'Ann Agent' } })
    const all = await json<{ handoffs: { id: string }[] }>(await call('GET', '/api/handoffs', admin), 200)
    expect(all.handoffs.map((h) => h.id)).toEqual([p1, othersP2, p2, oldP3, newP3])
    expect((await call('GET', '/api/handoffs', agent)).status).toBe(403)
  })
})
