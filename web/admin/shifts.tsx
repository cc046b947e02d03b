// Each person's weekly shifts, in the brand's time zone; an end not after the start runs overnight.
import { useEffect, useState } from 'preact/hooks'
import { put } from '../api'
import type { AdminUser, Shift } from '../api-types'
import { hhmm, ListForm, LoadFailure, useLoad, useRows, WeeklySpans } from './common'

export function ShiftsTab() {
  const users = useLoad<{ users: AdminUser[] }>('/api/admin/users')
  const [userId, setUserId] = useState('')
  const people = users.data?.users ?? []
  useEffect(() => {
    if (!userId && people[0]) setUserId(people[0].id)
  }, [people.length])
  return (
    <>
      <LoadFailure error={users.error} missing={users.missing} />
      <label class="inline">
        <span>Person</span>
        <select value={userId} onChange={(event) => setUserId(event.currentTarget.value)} data-testid="shift-user">
          {people.map((person) => (
            <option key={person.id} value={person.id}>
              {person.name} ({person.role})
            </option>
          ))}
        </select>
      </label>
      {userId && <ShiftEditor key={userId} userId={userId} />}
    </>
  )
}

function ShiftEditor({ userId }: { userId: string }) {
  const path = `/api/admin/users/${userId}/shifts`
  const { data, error, missing, reload } = useLoad<{ shifts: Shift[] }>(path)
  const rows = useRows(data, (loaded) => loaded.shifts.map((shift) => ({ ...shift, starts_at: hhmm(shift.starts_at), ends_at: hhmm(shift.ends_at) })))
  return (
    <ListForm
      label="Shifts"
      save={() => put(path, { shifts: rows.rows })}
      saved="Shifts saved."
      onSaved={reload}
      ready={!!data}
      add={['Add a shift', () => rows.add({ weekday: 1, starts_at: '08:00', ends_at: '16:00' })]}
      submit="Save shifts"
    >
      <LoadFailure error={error} missing={missing} />
      <WeeklySpans caption="Weekly shifts" rows={rows} columns={[['starts_at', 'Starts'], ['ends_at', 'Ends']]} />
      {rows.rows.length === 0 && data && <p class="muted">No shifts: this person is never on shift.</p>}
    </ListForm>
  )
}
