// The admin API for reply templates: list, create, change, delete; one name per brand and
// language; variables checked against the ones the composer fills in; audit.
import { describe, expect, it } from 'vitest'
import { adminRoutes } from '../../worker/admin/routes'
import { demoTemplates } from '../../worker/demo/seed'
import { describeAdminOnly, json, useDemoApi } from '../support/demo-api'

const demo = useDemoApi(adminRoutes, ['admin', 'agent'])
const { call, lastAudit } = demo

interface Template {
  id: string
  brand_id: string
  name: string
  channel: string
  language: string | null
  body: string
  moves_to_private: boolean
  updated_by: { id: string; name: string } | null
  updated_at: string
}

const create = (body: Record<string, unknown>) => call('POST', '/api/admin/templates', { brand_id: demo.brandId, ...body }, 'admin')

describeAdminOnly(demo, [
  ['GET', '/api/admin/templates', undefined],
  ['POST', '/api/admin/templates', { brand_id: '1', name: 'X', body: 'Hi' }],
  ['PATCH', '/api/admin/templates/1', { name: 'X' }],
  ['DELETE', '/api/admin/templates/1', undefined],
])

describe('templates', () => {
  it("lists a brand's templates with who last changed them", async () => {
    const { templates } = await json<{ templates: Template[] }>(await call('GET', `/api/admin/templates?brand=${demo.brandId}`, undefined, 'admin'), 200)
    expect(templates).toHaveLength(demoTemplates.length)
    expect(templates[0]).toMatchObject({ brand_id: demo.brandId, updated_by: null, updated_at: expect.any(String) })
    expect((await call('GET', '/api/admin/templates?brand=x', undefined, 'admin')).status).toBe(400)
  })

  it('creates one, defaulting to any channel and every language, and audits it', async () => {
    const { template } = await json<{ template: Template }>(await create({ name: 'Thanks', body: 'Thank you, {customer_name}!' }), 201)
    expect(template).toMatchObject({
      brand_id: demo.brandId,
      name: 'Thanks',
      channel: 'any',
      language: null,
      body: 'Thank you, {customer_name}!',
      moves_to_private: false,
      updated_by: { id: demo.ids.get('admin'), name: 'Alex Morgan' },
    })
    expect(await lastAudit('admin.template.create')).toEqual({
      actor_id: demo.ids.get('admin'),
      target_type: 'template',
      target_id: template.id,
      detail: { brand_id: demo.brandId, name: 'Thanks', language: null },
    })
  })

  it('refuses a second template of the same name and language (in any case) with a 409 naming the field', async () => {
    const problem = await json<{ field: string; detail: string }>(await create({ name: 'first REPLY', language: 'et', body: 'Tere!' }), 409)
    expect(problem.field).toBe('name')
    expect(problem.detail).toContain('in et')
    await json(await create({ name: 'First reply', language: 'de', body: 'Hallo {customer_name}!' }), 201)
    await json(await create({ name: 'First reply', body: 'Hello {customer_name}!' }), 201)
    expect((await json<{ field: string }>(await create({ name: 'First reply', body: 'Again' }), 409)).field).toBe('name')
  })

  it('refuses unknown variables, a private move to private, unknown brands and bad fields', async () => {
    const misspelt = await json<{ field: string; detail: string }>(await create({ name: 'Typo', body: 'Hi {custmer_name}' }), 400)
    expect(misspelt).toMatchObject({ field: 'body', detail: expect.stringContaining('{custmer_name}') })
    expect((await json<{ field: string }>(await create({ name: 'DM', channel: 'private', moves_to_private: true, body: 'Hi' }), 400)).field).toBe('channel')
    expect((await json<{ field: string }>(await call('POST', '/api/admin/templates', { brand_id: '999999', name: 'X', body: 'Hi' }, 'admin'), 422)).field).toBe('brand_id')
    for (const body of [{ name: 'X' }, { name: 'X', body: ' ' }, { name: 'X', body: 'Hi', language: 'est' }, { name: 'X', body: 'Hi', channel: 'email' }, { name: 'X', body: 'x'.repeat(5001) }]) {
      expect((await create(body)).status, JSON.stringify(body).slice(0, 80)).toBe(400)
    }
  })

  it('changes one, checking the result as a whole, and audits which fields', async () => {
    const { template } = await json<{ template: Template }>(await create({ name: 'Later', body: 'Back at {next_staffed_time}.' }), 201)
    const changed = await json<{ template: Template }>(
      await call('PATCH', `/api/admin/templates/${template.id}`, { body: 'We are back at {next_staffed_time}, {customer_name}.', language: 'en' }, 'admin'),
      200,
    )
    expect(changed.template).toMatchObject({ name: 'Later', language: 'en', body: 'We are back at {next_staffed_time}, {customer_name}.' })
    expect(await lastAudit('admin.template.update')).toMatchObject({ target_id: template.id, detail: { fields: ['body', 'language'] } })

    expect((await call('PATCH', `/api/admin/templates/${template.id}`, { channel: 'private' }, 'admin')).status).toBe(200)
    expect((await call('PATCH', `/api/admin/templates/${template.id}`, { moves_to_private: true }, 'admin')).status).toBe(400)
    expect((await call('PATCH', `/api/admin/templates/${template.id}`, { body: '{oops}' }, 'admin')).status).toBe(400)
    expect((await json<{ field: string }>(await call('PATCH', `/api/admin/templates/${template.id}`, { name: 'First reply' }, 'admin'), 409)).field).toBe('name')
    expect((await call('PATCH', `/api/admin/templates/${template.id}`, {}, 'admin')).status).toBe(400)
    expect((await call('PATCH', '/api/admin/templates/999999', { name: 'Nobody' }, 'admin')).status).toBe(404)
  })

  it('deletes one, once, and audits it', async () => {
    const { template } = await json<{ template: Template }>(await create({ name: 'Short-lived', body: 'Hi' }), 201)
    expect((await call('DELETE', `/api/admin/templates/${template.id}`, undefined, 'admin')).status).toBe(204)
    expect((await call('DELETE', `/api/admin/templates/${template.id}`, undefined, 'admin')).status).toBe(404)
    expect((await call('DELETE', '/api/admin/templates/abc', undefined, 'admin')).status).toBe(404)
    expect(await lastAudit('admin.template.delete')).toMatchObject({ target_id: template.id, detail: { brand_id: demo.brandId, name: 'Short-lived' } })
  })
})
