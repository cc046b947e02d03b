// Internal notes: @mentions by full name or email local part tell those colleagues once; the note
// goes on the timeline and in the audit log.
import { beforeAll, describe, expect, it } from 'vitest'
import { collabRoutes } from '../../worker/cases/collab-routes'
import { findMentions, type Colleague } from '../../worker/cases/notes'
import { useCareApi, type Person } from '../support/care-api'

describe('findMentions', () => {
  const people: Colleague[] = [
    { id: '1', name: 'Maria Tamm', email: 'mtamm@care.example' },
    { id: '2', name: 'Maria', email: 'm.kask@care.example' },
    { id: '3', name: 'Jüri Õun', email: 'juri@care.example' },
    { id: '4', name: 'Boris Ivanov', email: 'agent@care.example' },
  ]

  it('finds full names case-insensitively, the longest name winning', () => {
    expect(findMentions('@maria tamm can you call them?', people)).toEqual(['1'])
    expect(findMentions('Ask @Maria, she knows', people)).toEqual(['2'])
    expect(findMentions('@JÜRI ÕUN: callback at 3', people)).toEqual(['3'])
  })

  it('finds email local parts', () => {
    expect(findMentions('cc @agent and @m.kask.', people)).toEqual(['4', '2'])
  })

  it('ignores unknown names, partial words and email addresses', () => {
    expect(findMentions('@nobody @Mariana @agents mail agent@care.example', people)).toEqual([])
    expect(findMentions('no mentions here', people)).toEqual([])
  })

  it('lists each person once however often they are mentioned', () => {
    expect(findMentions('@Boris Ivanov @agent @boris ivanov', people)).toEqual(['4'])
  })

  it('mentions everyone a handle fits when two people share it', () => {
    const namesakes = [...people, { id: '5', name: 'Maria', email: 'maria.k@care.example' }]
    expect(findMentions('@Maria?', namesakes)).toEqual(['2', '5'])
  })
})

const care = useCareApi(collabRoutes, 'notes')
const { newCase } = care
const people: Record<string, Person> = {}

beforeAll(async () => {
  const specs = [
    { key: 'anna', name: 'Anna Agent', email: 'anna@notes.example', role: 'agent' as const },
    { key: 'maria', name: 'Maria Tamm', email: 'maria.tamm@notes.example', role: 'agent' as const },
    { key: 'exec', name: 'Erik Executive', email: 'erik@notes.example', role: 'executive' as const },
    { key: 'gone', name: 'Gone Person', email: 'gone@notes.example', role: 'agent' as const },
  ]
  for (const spec of specs) people[spec.key] = await care.person({ email: spec.email, name: spec.name, role: spec.role })
  await care.db.sql`update app_user set active = false where id = ${people.gone!.id}`
  people.marketing = await care.marketer('mark@notes.example')
})

const note = (caseId: string, body: unknown, who = 'anna') => care.api.call('POST', `/api/cases/${caseId}/notes`, body, people[who]!.cookie)

async function mentionsOf(caseId: string) {
  return care.db.sql<{ user_id: string; kind: string; dedupe_key: string; body: Record<string, unknown> }[]>`
    select user_id, kind, dedupe_key, body from notification where case_id = ${caseId} order by user_id`
}

describe('POST /api/cases/:id/notes', () => {
  it('puts the note on the timeline, tells the colleagues it mentions once, and audits it', async () => {
    const caseId = await newCase()
    const response = await note(caseId, { text: '  @Maria Tamm and @erik: customer asked for a callback. Thanks @maria.tamm!  ' })
    expect(response.status).toBe(201)
    const { eventId, mentioned } = (await response.json()) as { eventId: string; mentioned: string[] }
    expect(mentioned).toEqual([people.maria!.id, people.exec!.id])

    const [event] = await care.db.sql`select kind, actor_id, body from case_event where id = ${eventId}`
    expect(event).toEqual({
      kind: 'note',
      actor_id: people.anna!.id,
      body: { text: '@Maria Tamm and @erik: customer asked for a callback. Thanks @maria.tamm!', mentions: [people.maria!.id, people.exec!.id] },
    })
    const told = await mentionsOf(caseId)
    expect(told.map((row) => [row.user_id, row.kind, row.dedupe_key])).toEqual(
      [people.maria!.id, people.exec!.id].sort((a, b) => Number(a) - Number(b)).map((id) => [id, 'note_mention', `note:${eventId}`]),
    )
    expect(told[0]!.body).toMatchObject({ from: 'Anna Agent', event_id: eventId })
    const [audit] = await care.db.sql`select action, actor_id, detail from audit_log where target_type = 'case' and target_id = ${caseId}`
    expect(audit).toEqual({ action: 'case.note', actor_id: people.anna!.id, detail: { event_id: eventId, mentions: [people.maria!.id, people.exec!.id] } })
  })

  it('does not tell the author, inactive people, marketing or names nobody has', async () => {
    const caseId = await newCase()
    const response = await note(caseId, { text: '@Anna Agent @Gone Person @Mark Eting @mark @Nobody Here note to self' })
    expect(response.status).toBe(201)
    expect(((await response.json()) as { mentioned: string[] }).mentioned).toEqual([])
    expect(await mentionsOf(caseId)).toEqual([])
  })

  it('a note without mentions is still a note', async () => {
    const caseId = await newCase()
    const response = await note(caseId, { text: 'Line test done, all green.' }, 'exec')
    expect(response.status).toBe(201)
    const [event] = await care.db.sql`select kind, actor_id, body from case_event where case_id = ${caseId}`
    expect(event).toEqual({ kind: 'note', actor_id: people.exec!.id, body: { text: 'Line test done, all green.', mentions: [] } })
  })

  it('notes a resolved case too: notes change nothing about the case', async () => {
    const caseId = await newCase()
    await care.db.sql`update care_case set status = 'resolved', resolved_at = now() where id = ${caseId}`
    expect((await note(caseId, { text: 'Customer thanked us by phone.' })).status).toBe(201)
    const [row] = await care.db.sql`select status from care_case where id = ${caseId}`
    expect(row).toEqual({ status: 'resolved' })
  })

  it('answers 404 for an unknown case and 400 for bad input, writing nothing', async () => {
    const unknown = await note('999999', { text: 'hello @Maria Tamm' })
    expect(unknown.status).toBe(404)
    expect(await care.db.sql`select id from notification where body->>'excerpt' = 'hello @Maria Tamm'`).toHaveLength(0)
    const caseId = await newCase()
    expect((await note(caseId, { text: '   ' })).status).toBe(400)
    expect((await note(caseId, { text: 'x'.repeat(5001) })).status).toBe(400)
    expect((await note(caseId, { text: 'hi', extra: true })).status).toBe(400)
    expect((await note('abc', { text: 'hi' })).status).toBe(400)
    expect(await care.db.sql`select id from case_event where case_id = ${caseId}`).toHaveLength(0)
    expect((await note(caseId, { text: 'x'.repeat(5000) })).status).toBe(201)
  })

  it('is for agents, executives and admins', async () => {
    const caseId = await newCase()
    expect((await note(caseId, { text: 'hi' }, 'marketing')).status).toBe(403)
    expect((await care.api.call('POST', `/api/cases/${caseId}/notes`, { text: 'hi' })).status).toBe(401)
  })
})
