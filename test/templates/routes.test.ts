// GET /api/templates for the composer, and the demo brand's templates: complete, kind in tone,
// and never asking for account details in public.
import { beforeAll, describe, expect, it } from 'vitest'
import { toneWarnings } from '../../worker/cases/tone'
import { demoTemplates, seedDemo } from '../../worker/demo/seed'
import { renderTemplate } from '../../worker/templates/render'
import { templateRoutes, type ReplyTemplate } from '../../worker/templates/routes'
import { useDemoApi } from '../support/demo-api'

const demo = useDemoApi(templateRoutes, ['agent', 'executive', 'admin', 'marketing'])
let otherBrandId: string

beforeAll(async () => {
  const [other] = await demo.db.sql<{ id: string }[]>`
    insert into brand (slug, name, time_zone) values ('other', 'Other', 'Europe/Riga') returning id`
  otherBrandId = other!.id
  await demo.db.sql`insert into reply_template (brand_id, name, body) values (${otherBrandId}, 'Hello', 'Hello {customer_name}')`
})

const call = (path: string, role?: string) => demo.call('GET', path, undefined, role)

async function templates(path: string, role = 'agent'): Promise<ReplyTemplate[]> {
  const response = await call(path, role)
  expect(response.status).toBe(200)
  return ((await response.json()) as { templates: ReplyTemplate[] }).templates
}

describe('GET /api/templates', () => {
  it("lists a brand's templates for agents, executives and admins", async () => {
    for (const role of ['agent', 'executive', 'admin']) {
      const list = await templates(`/api/templates?brand=${demo.brandId}`, role)
      expect(list).toHaveLength(demoTemplates.length)
      expect(new Set(list.map((template) => template.brand_id))).toEqual(new Set([demo.brandId]))
    }
    const [first] = await templates(`/api/templates?brand=${otherBrandId}`)
    expect(first).toEqual({
      id: expect.stringMatching(/^\d+$/),
      brand_id: otherBrandId,
      name: 'Hello',
      channel: 'any',
      language: null,
      body: 'Hello {customer_name}',
      moves_to_private: false,
    })
  })

  it('lists every brand without brand=', async () => {
    expect(await templates('/api/templates')).toHaveLength(demoTemplates.length + 1)
  })

  it('refuses strangers, marketing and bad queries', async () => {
    expect((await call('/api/templates')).status).toBe(401)
    expect((await call('/api/templates', 'marketing')).status).toBe(403)
    expect((await call('/api/templates?brand=nordlink', 'agent')).status).toBe(400)
    expect((await call('/api/templates?language=et', 'agent')).status).toBe(400)
  })
})

describe('the demo templates', () => {
  it('include a first reply in English, Russian and Estonian, a move to private and an outage update', async () => {
    const list = await templates(`/api/templates?brand=${demo.brandId}`)
    const firstReplies = list.filter((template) => template.name === 'First reply').map((template) => template.language)
    expect(firstReplies.sort()).toEqual(['en', 'et', 'ru'])
    const english = list.find((template) => template.name === 'First reply' && template.language === 'en')!
    expect(english.body).toContain("Hi {customer_name}, I'm {agent_name} from Nordlink care and I'm on it (case {case_number})")
    expect(list.some((template) => /outage/i.test(template.body))).toBe(true)
  })

  it('move to private in public, asking for a direct message and not for account details there', async () => {
    const moving = (await templates(`/api/templates?brand=${demo.brandId}`)).filter((template) => template.moves_to_private)
    expect(moving).toHaveLength(1)
    expect(moving[0]!.channel).toBe('public')
    expect(moving[0]!.body).toMatch(/direct message/i)
    expect(moving[0]!.body).not.toMatch(/password|PIN|ID code|date of birth|card/i)
  })

  it('fill in completely and raise no tone warnings', async () => {
    for (const template of await templates(`/api/templates?brand=${demo.brandId}`)) {
      const rendered = renderTemplate(template.body, { customer_name: 'Mari', case_number: '42', agent_name: 'Maria', next_staffed_time: 'Monday 08:00' })
      expect(rendered.missing, template.name).toEqual([])
      expect(toneWarnings(rendered.text, template.language), template.name).toEqual([])
    }
  })

  it('are written once; a demo seeded without them gets them, a demo that removed one keeps that', async () => {
    expect(await seedDemo(demo.db.sql)).toEqual({ seeded: false })
    const count = async () => (await demo.db.sql<{ n: number }[]>`select count(*)::int as n from reply_template where brand_id = ${demo.brandId}`)[0]!.n
    expect(await count()).toBe(demoTemplates.length)

    await demo.db.sql`delete from reply_template where brand_id = ${demo.brandId} and name = 'After hours'`
    expect(await seedDemo(demo.db.sql)).toEqual({ seeded: false })
    expect(await count()).toBe(demoTemplates.length - 1)

    await demo.db.sql`delete from reply_template where brand_id = ${demo.brandId}`
    expect(await seedDemo(demo.db.sql)).toEqual({ seeded: false })
    expect(await count()).toBe(demoTemplates.length)
  })
})
