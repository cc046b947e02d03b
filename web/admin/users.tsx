// People and their roles: list, create, and change role, languages, capacity, active, password.
import { useState } from 'preact/hooks'
import { patch, post } from '../api'
import type { AdminUser, Role } from '../api-types'
import { roles } from '../api-types'
import { forgetUsers } from '../users'
import { AdminTable, Choice, Field, FormActions, list, LoadFailure, useAction, useLoad } from './common'

export function UsersTab() {
  const { data, error, missing, reload } = useLoad<{ users: AdminUser[] }>('/api/admin/users')
  const [editing, setEditing] = useState<string | null>(null)
  const changed = () => {
    forgetUsers()
    reload()
  }
  return (
    <>
      <LoadFailure error={error} missing={missing} />
      {data && (
        <AdminTable caption="People who can log in" columns={['Name', 'Email', 'Role', 'Languages', 'Capacity', 'Active']} actions="Actions" testid="admin-users">
          {data.users.map((user) =>
            editing === user.id ? (
              <tr key={user.id}>
                <td colSpan={7}>
                  <EditUser user={user} onDone={() => { setEditing(null); changed() }} onCancel={() => setEditing(null)} />
                </td>
              </tr>
            ) : (
              <tr key={user.id} class={user.active ? '' : 'inactive'}>
                <td>{user.name}</td>
                <td>{user.email}</td>
                <td>{user.role}</td>
                <td>{(user.languages ?? []).join(', ')}</td>
                <td>{user.capacity}</td>
                <td>{user.active ? 'yes' : 'no'}</td>
                <td>
                  <button type="button" class="small" onClick={() => setEditing(user.id)} aria-label={`Edit ${user.name}`}>
                    Edit
                  </button>
                </td>
              </tr>
            ),
          )}
        </AdminTable>
      )}
      {!missing && <CreateUser onDone={changed} />}
    </>
  )
}

function RoleField({ value, onChange }: { value: Role; onChange: (role: Role) => void }) {
  return (
    <Field label="Role">
      <Choice value={value} values={roles} onChange={onChange} />
    </Field>
  )
}

function CapacityField({ value, onChange }: { value: string; onChange: (capacity: string) => void }) {
  return (
    <Field label="Capacity">
      <input type="number" min={1} max={1000} value={value} onInput={(event) => onChange(event.currentTarget.value)} />
    </Field>
  )
}

function EditUser({ user, onDone, onCancel }: { user: AdminUser; onDone: () => void; onCancel: () => void }) {
  const [name, setName] = useState(user.name)
  const [role, setRole] = useState<Role>(user.role)
  const [languages, setLanguages] = useState((user.languages ?? []).join(', '))
  const [capacity, setCapacity] = useState(String(user.capacity ?? ''))
  const [active, setActive] = useState(user.active)
  const [password, setPassword] = useState('')
  const action = useAction()
  return (
    <form
      class="admin-form grid-form"
      aria-label={`Edit ${user.name}`}
      onSubmit={async (event) => {
        event.preventDefault()
        const change: Record<string, unknown> = {}
        if (name !== user.name) change.name = name
        if (role !== user.role) change.role = role
        const langs = list(languages)
        if (langs.join(',') !== (user.languages ?? []).join(',')) change.languages = langs
        if (Number(capacity) !== user.capacity) change.capacity = Number(capacity)
        if (active !== user.active) change.active = active
        if (password) change.password = password
        if (Object.keys(change).length === 0) return onCancel()
        if (await action.run(() => patch(`/api/admin/users/${user.id}`, change), `${name} saved.`)) onDone()
      }}
    >
      <Field label="Name">
        <input value={name} required onInput={(event) => setName(event.currentTarget.value)} />
      </Field>
      <RoleField value={role} onChange={setRole} />
      <Field label="Languages (comma separated)">
        <input value={languages} placeholder="et, ru, en" onInput={(event) => setLanguages(event.currentTarget.value)} />
      </Field>
      <CapacityField value={capacity} onChange={setCapacity} />
      <label class="check">
        <input type="checkbox" checked={active} onChange={(event) => setActive(event.currentTarget.checked)} /> Active
      </label>
      <Field label="New password (leave empty to keep)">
        <input type="password" autocomplete="new-password" minLength={10} value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
      </Field>
      <FormActions action={action} submit="Save">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </FormActions>
    </form>
  )
}

function CreateUser({ onDone }: { onDone: () => void }) {
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [role, setRole] = useState<Role>('agent')
  const [password, setPassword] = useState('')
  const [languages, setLanguages] = useState('en')
  const [capacity, setCapacity] = useState('10')
  const action = useAction()
  return (
    <form
      class="admin-form grid-form card"
      aria-labelledby="new-user-title"
      onSubmit={async (event) => {
        event.preventDefault()
        const body = { email, name, role, password, languages: list(languages), capacity: Number(capacity) }
        if (await action.run(() => post('/api/admin/users', body), `${name} can now log in.`)) {
          setEmail('')
          setName('')
          setPassword('')
          onDone()
        }
      }}
    >
      <h2 id="new-user-title">New user</h2>
      <Field label="Name">
        <input value={name} required onInput={(event) => setName(event.currentTarget.value)} />
      </Field>
      <Field label="Email">
        <input type="email" value={email} required onInput={(event) => setEmail(event.currentTarget.value)} />
      </Field>
      <RoleField value={role} onChange={setRole} />
      <Field label="Password (at least 10 characters)">
        <input type="password" autocomplete="new-password" minLength={10} value={password} required onInput={(event) => setPassword(event.currentTarget.value)} />
      </Field>
      <Field label="Languages (comma separated)">
        <input value={languages} onInput={(event) => setLanguages(event.currentTarget.value)} />
      </Field>
      <CapacityField value={capacity} onChange={setCapacity} />
      <FormActions action={action} submit="Create user" />
    </form>
  )
}
