// The admin API for teams: create, rename, change the lead, set the members; refusals and audit.
import { describe, expect, it } from 'vitest'
import { adminRoutes } from '../../worker/admin/routes'
import { describeAdminOnly, json, useDemoApi } from '../support/demo-api'

const demo = useDemoApi(adminRoutes, ['admin', 'agent', 'executive'])
const { call, lastAudit } = demo

interface Team {
  id: string
  brand_id: string
  name: string
  lead: { id: string; name: string } | null
  members: { id: string; name: string }[]
}

describeAdminOnly(demo, [
  ['GET', '/api/admin/teams', undefined],
  ['POST', '/api/admin/teams', { brand_id: '1', name: 'X' }],
  ['PATCH', '/api/admin/teams/1', { name: 'X' }],
  ['PUT', '/api/admin/teams/1/members', { user_ids: [] }],
])

describe('teams', () => {
  it('lists teams with their lead and members', async () => {
    const { teams } = await json<{ teams: Team[] }>(await call('GET', '/api/admin/teams', undefined, 'admin'), 200)
    expect(teams).toHaveLength(1)
    expect(teams[0]).toMatchObject({ brand_id: demo.brandId, name: 'Care', lead: { id: demo.ids.get('admin'), name: 'Alex Morgan' } })
    expect(teams[0]!.members.map((member) => member.name).sort()).toEqual(['Alex Morgan', 'Ilja Smirnov', 'Maria Tamm'])
  })

  it('creates a team, with or without a lead, and audits it', async () => {
    const { team } = await json<{ team: Team }>(
      await call('POST', '/api/admin/teams', { brand_id: demo.brandId, name: 'Billing', lead_id: demo.ids.get('agent') }, 'admin'),
      201,
    )
    expect(team).toMatchObject({ brand_id: demo.brandId, name: 'Billing', lead: { id: demo.ids.get('agent') }, members: [] })
    expect(await lastAudit('admin.team.create')).toEqual({
      actor_id: demo.ids.get('admin'),
      target_type: 'team',
      target_id: team.id,
      detail: { brand_id: demo.brandId, name: 'Billing', lead_id: demo.ids.get('agent') },
    })
    const { team: leaderless } = await json<{ team: Team }>(await call('POST', '/api/admin/teams', { brand_id: Number(demo.brandId), name: 'Nights' }, 'admin'), 201)
    expect(leaderless.lead).toBeNull()
  })

  it('refuses a second team of the same name in a brand (409), unknown brands and leads (422), bad bodies (400)', async () => {
    expect((await json<{ field: string }>(await call('POST', '/api/admin/teams', { brand_id: demo.brandId, name: 'Care' }, 'admin'), 409)).field).toBe('name')
    expect((await json<{ field: string }>(await call('POST', '/api/admin/teams', { brand_id: '999999', name: 'Ghosts' }, 'admin'), 422)).field).toBe('brand_id')
    expect((await json<{ field: string }>(await call('POST', '/api/admin/teams', { brand_id: demo.brandId, name: 'Ghosts', lead_id: '999999' }, 'admin'), 422)).field).toBe('lead_id')
    expect((await call('POST', '/api/admin/teams', { brand_id: demo.brandId, name: '  ' }, 'admin')).status).toBe(400)
    expect((await call('POST', '/api/admin/teams', { brand_id: 'nordlink', name: 'Ghosts' }, 'admin')).status).toBe(400)
  })

  it('renames a team and changes or removes its lead', async () => {
    const { team } = await json<{ team: Team }>(await call('POST', '/api/admin/teams', { brand_id: demo.brandId, name: 'Social' }, 'admin'), 201)
    const renamed = await json<{ team: Team }>(await call('PATCH', `/api/admin/teams/${team.id}`, { name: 'Social care', lead_id: demo.ids.get('agent') }, 'admin'), 200)
    expect(renamed.team).toMatchObject({ name: 'Social care', lead: { id: demo.ids.get('agent') } })
    const leadless = await json<{ team: Team }>(await call('PATCH', `/api/admin/teams/${team.id}`, { lead_id: null }, 'admin'), 200)
    expect(leadless.team).toMatchObject({ name: 'Social care', lead: null })
    expect(await lastAudit('admin.team.update')).toMatchObject({ target_id: team.id, detail: { changes: { lead_id: null } } })

    expect((await json<{ field: string }>(await call('PATCH', `/api/admin/teams/${team.id}`, { name: 'Care' }, 'admin'), 409)).field).toBe('name')
    expect((await call('PATCH', `/api/admin/teams/${team.id}`, { lead_id: '999999' }, 'admin')).status).toBe(422)
    expect((await call('PATCH', `/api/admin/teams/${team.id}`, {}, 'admin')).status).toBe(400)
    expect((await call('PATCH', '/api/admin/teams/999999', { name: 'Nobody' }, 'admin')).status).toBe(404)
  })

  it('sets the members, auditing who joined and who left', async () => {
    const { teams } = await json<{ teams: Team[] }>(await call('GET', '/api/admin/teams', undefined, 'admin'), 200)
    const care = teams.find((team) => team.name === 'Care')!
    const wanted = [demo.ids.get('agent')!, demo.ids.get('executive')!, demo.ids.get('executive')!]
    const { team } = await json<{ team: Team }>(await call('PUT', `/api/admin/teams/${care.id}/members`, { user_ids: wanted }, 'admin'), 200)
    expect(team.members.map((member) => member.id).sort()).toEqual([demo.ids.get('agent'), demo.ids.get('executive')].sort())
    const audit = await lastAudit('admin.team.members')
    expect(audit!.detail.added).toEqual([demo.ids.get('executive')])
    expect((audit!.detail.removed as string[]).sort()).toEqual(
      care.members.map((member) => member.id).filter((id) => id !== demo.ids.get('agent')).sort(),
    )
    const emptied = await json<{ team: Team }>(await call('PUT', `/api/admin/teams/${care.id}/members`, { user_ids: [] }, 'admin'), 200)
    expect(emptied.team.members).toEqual([])
  })

  it('refuses unknown members (422), unknown teams (404) and bad ids (400)', async () => {
    const { teams } = await json<{ teams: Team[] }>(await call('GET', '/api/admin/teams', undefined, 'admin'), 200)
    const problem = await json<{ field: string; detail: string }>(
      await call('PUT', `/api/admin/teams/${teams[0]!.id}/members`, { user_ids: [demo.ids.get('agent'), '999999'] }, 'admin'),
      422,
    )
    expect(problem).toMatchObject({ field: 'user_ids', detail: expect.stringContaining('999999') })
    expect((await call('PUT', '/api/admin/teams/999999/members', { user_ids: [] }, 'admin')).status).toBe(404)
    expect((await call('PUT', `/api/admin/teams/${teams[0]!.id}/members`, { user_ids: ['me'] }, 'admin')).status).toBe(400)
  })
})
