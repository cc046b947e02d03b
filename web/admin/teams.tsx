// Teams: name, lead and members.
import { useState } from 'preact/hooks'
import { patch, post, put } from '../api'
import type { AdminUser, Team } from '../api-types'
import { Field, FormActions, LoadFailure, useAction, useBrands, useLoad } from './common'

const memberIds = (team: Team): string[] => (team.members ?? []).map((member) => member.id)

export function TeamsTab() {
  const teams = useLoad<{ teams: Team[] }>('/api/admin/teams')
  const users = useLoad<{ users: AdminUser[] }>('/api/admin/users')
  const brands = useBrands()
  const people = users.data?.users.filter((user) => user.active) ?? []
  return (
    <>
      <LoadFailure error={teams.error} missing={teams.missing} />
      <LoadFailure error={users.error} missing={users.missing} />
      {teams.data?.teams.map((team) => <TeamForm key={team.id} team={team} people={people} onDone={teams.reload} />)}
      {teams.data && teams.data.teams.length === 0 && <p class="muted">No teams yet.</p>}
      {!teams.missing && <NewTeam brandId={brands.data?.brands[0]?.id ?? null} people={people} onDone={teams.reload} />}
    </>
  )
}

function LeadField({ value, people, onChange }: { value: string; people: AdminUser[]; onChange: (id: string) => void }) {
  return (
    <Field label="Lead">
      <select value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        <option value="">No lead</option>
        {people.map((person) => (
          <option key={person.id} value={person.id}>
            {person.name}
          </option>
        ))}
      </select>
    </Field>
  )
}

function TeamForm({ team, people, onDone }: { team: Team; people: AdminUser[]; onDone: () => void }) {
  const [name, setName] = useState(team.name)
  const [lead, setLead] = useState(team.lead?.id ?? '')
  const [members, setMembers] = useState(() => new Set(memberIds(team)))
  const action = useAction()
  const original = memberIds(team).sort().join(',')
  return (
    <form
      class="admin-form card"
      aria-label={`Team ${team.name}`}
      data-testid="admin-team"
      onSubmit={async (event) => {
        event.preventDefault()
        const ok = await action.run(async () => {
          if (name !== team.name || lead !== (team.lead?.id ?? '')) {
            await patch(`/api/admin/teams/${team.id}`, { name, lead_id: lead || null })
          }
          const ids = [...members].sort()
          if (ids.join(',') !== original) await put(`/api/admin/teams/${team.id}/members`, { user_ids: ids })
        }, `Team ${name} saved.`)
        if (ok) onDone()
      }}
    >
      <div class="grid-form">
        <Field label="Team name">
          <input value={name} required onInput={(event) => setName(event.currentTarget.value)} />
        </Field>
        <LeadField value={lead} people={people} onChange={setLead} />
      </div>
      <fieldset class="members">
        <legend>Members</legend>
        {people.map((person) => (
          <label class="check" key={person.id}>
            <input
              type="checkbox"
              checked={members.has(person.id)}
              onChange={(event) => {
                const next = new Set(members)
                if (event.currentTarget.checked) next.add(person.id)
                else next.delete(person.id)
                setMembers(next)
              }}
            />
            {person.name} <small class="muted">({person.role})</small>
          </label>
        ))}
      </fieldset>
      <FormActions action={action} submit="Save team" />
    </form>
  )
}

function NewTeam({ brandId, people, onDone }: { brandId: string | null; people: AdminUser[]; onDone: () => void }) {
  const [name, setName] = useState('')
  const [lead, setLead] = useState('')
  const action = useAction()
  return (
    <form
      class="admin-form grid-form card"
      aria-labelledby="new-team-title"
      onSubmit={async (event) => {
        event.preventDefault()
        const body = { brand_id: brandId, name, ...(lead ? { lead_id: lead } : {}) }
        if (await action.run(() => post('/api/admin/teams', body), `Team ${name} created.`)) {
          setName('')
          onDone()
        }
      }}
    >
      <h2 id="new-team-title">New team</h2>
      <Field label="Name">
        <input value={name} required onInput={(event) => setName(event.currentTarget.value)} />
      </Field>
      <LeadField value={lead} people={people} onChange={setLead} />
      <FormActions action={action} submit="Create team" ready={brandId !== null} />
    </form>
  )
}
