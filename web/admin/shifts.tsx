// Each person's weekly shifts, in the brand's time zone; an end not after the start runs overnight.
import { useEffect, useState } from 'preact/hooks'
import { put } from '../api'
import type { AdminUser, Shift } from '../api-types'
import { Failure, hhmm, timePattern, LoadFailure, useAction, useLoad, weekdayNames } from './common'

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
  const { data, error, missing, reload } = useLoad<{ shifts: Shift[] }>(`/api/admin/users/${userId}/shifts`)
  const [rows, setRows] = useState<Shift[]>([])
  const action = useAction()
  useEffect(() => {
    if (data) setRows(data.shifts.map((shift) => ({ ...shift, starts_at: hhmm(shift.starts_at), ends_at: hhmm(shift.ends_at) })))
  }, [data])
  const update = (index: number, change: Partial<Shift>) => setRows(rows.map((row, at) => (at === index ? { ...row, ...change } : row)))
  return (
    <form
      class="admin-form card"
      aria-label="Shifts"
      onSubmit={async (event) => {
        event.preventDefault()
        if (await action.run(() => put(`/api/admin/users/${userId}/shifts`, { shifts: rows }), 'Shifts saved.')) reload()
      }}
    >
      <LoadFailure error={error} missing={missing} />
      <table class="admin-table">
        <caption>Weekly shifts</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Starts</th>
            <th scope="col">Ends</th>
            <th scope="col"><span class="visually-hidden">Remove</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              <td>
                <select aria-label="Day" value={String(row.weekday)} onChange={(event) => update(index, { weekday: Number(event.currentTarget.value) })}>
                  {weekdayNames.slice(1).map((name, day) => (
                    <option key={name} value={String(day + 1)}>
                      {name}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input aria-label="Starts" type="text" placeholder="HH:MM" pattern={timePattern} size={6} value={row.starts_at} required onInput={(event) => update(index, { starts_at: event.currentTarget.value })} />
              </td>
              <td>
                <input aria-label="Ends" type="text" placeholder="HH:MM" pattern={timePattern} size={6} value={row.ends_at} required onInput={(event) => update(index, { ends_at: event.currentTarget.value })} />
              </td>
              <td>
                <button type="button" class="small" onClick={() => setRows(rows.filter((_, at) => at !== index))}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && data && <p class="muted">No shifts: this person is never on shift.</p>}
      <Failure error={action.error} />
      <div class="form-actions">
        <button type="button" onClick={() => setRows([...rows, { weekday: 1, starts_at: '08:00', ends_at: '16:00' }])}>
          Add a shift
        </button>
        <button type="submit" class="primary" disabled={action.busy || !data}>
          Save shifts
        </button>
      </div>
    </form>
  )
}
