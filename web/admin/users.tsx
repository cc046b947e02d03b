// People and their roles: list, create, and change role, languages, capacity, active, password.
import { useState } from 'preact/hooks'
import { patch, post } from '../api'
import type { AdminUser, Role } from '../api-types'
import { roles } from '../api-types'
import { forgetUsers } from '../users'
import { Failure, list, LoadFailure, useAction, useLoad } from './common'

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
        <table class="admin-table" data-testid="admin-users">
          <caption>People who can log in</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Languages</th>
              <th scope="col">Capacity</th>
              <th scope="col">Active</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
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
          </tbody>
        </table>
      )}
      {!missing && <CreateUser onDone={changed} />}
    </>
  )
}

function RoleSelect({ value, onChange, id }: { value: Role; onChange: (role: Role) => void; id?: string }) {
  return (
    <select id={id} value={value} onChange={(event) => onChange(event.currentTarget.value as Role)}>
      {roles.map((role) => (
        <option key={role} value={role}>
          {role}
        </option>
      ))}
    </select>
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
      <label class="stack">
        <span>Name</span>
        <input value={name} required onInput={(event) => setName(event.currentTarget.value)} />
      </label>
      <label class="stack">
        <span>Role</span>
        <RoleSelect value={role} onChange={setRole} />
      </label>
      <label class="stack">
        <span>Languages (comma separated)</span>
        <input value={languages} placeholder="et, ru, en" onInput={(event) => setLanguages(event.currentTarget.value)} />
      </label>
      <label class="stack">
        <span>Capacity</span>
        <input type="number" min={1} max={1000} value={capacity} onInput={(event) => setCapacity(event.currentTarget.value)} />
      </label>
      <label class="check">
        <input type="checkbox" checked={active} onChange={(event) => setActive(event.currentTarget.checked)} /> Active
      </label>
      <label class="stack">
        <span>New password (leave empty to keep)</span>
        <input type="password" autocomplete="new-password" minLength={10} value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
      </label>
      <Failure error={action.error} />
      <div class="form-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={action.busy}>
          Save
        </button>
      </div>
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
      <label class="stack">
        <span>Name</span>
        <input value={name} required onInput={(event) => setName(event.currentTarget.value)} />
      </label>
      <label class="stack">
        <span>Email</span>
        <input type="email" value={email} required onInput={(event) => setEmail(event.currentTarget.value)} />
      </label>
      <label class="stack">
        <span>Role</span>
        <RoleSelect value={role} onChange={setRole} />
      </label>
      <label class="stack">
        <span>Password (at least 10 characters)</span>
        <input type="password" autocomplete="new-password" minLength={10} value={password} required onInput={(event) => setPassword(event.currentTarget.value)} />
      </label>
      <label class="stack">
        <span>Languages (comma separated)</span>
        <input value={languages} onInput={(event) => setLanguages(event.currentTarget.value)} />
      </label>
      <label class="stack">
        <span>Capacity</span>
        <input type="number" min={1} max={1000} value={capacity} onInput={(event) => setCapacity(event.currentTarget.value)} />
      </label>
      <Failure error={action.error} />
      <div class="form-actions">
        <button type="submit" class="primary" disabled={action.busy}>
          Create user
        </button>
      </div>
    </form>
  )
}
