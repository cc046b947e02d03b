// The brand's settings, business hours, holidays and SLA policy.
import { useEffect, useState } from 'preact/hooks'
import { patch, put } from '../api'
import type { Brand, BusinessHours, Holiday, SlaPolicy } from '../api-types'
import { AdminTable, Field, FormActions, hhmm, ListForm, LoadFailure, RemoveCell, useAction, useBrands, useLoad, useRows, WeeklySpans } from './common'

function useBrand(): { brand: Brand | null; error: string | null; missing: boolean; reload: () => void } {
  const { data, error, missing, reload } = useBrands()
  return { brand: data?.brands[0] ?? null, error, missing, reload }
}

/**
 * One of the brand's lists (`part`: hours, holidays, sla), loaded once the brand is known (`path`
 * is null until then) and read into rows; `error` and `missing` are the brand's or the list's.
 */
function useBrandRows<D, T>(part: string, read: (data: D) => T[]) {
  const { brand, error, missing } = useBrand()
  const path = brand ? `/api/admin/brands/${brand.id}/${part}` : null
  const list = useLoad<D>(path)
  const rows = useRows(list.data, read)
  return { path, list, rows, error: error ?? list.error, missing: missing || list.missing }
}

export function BrandSettings() {
  const { brand, error, missing, reload } = useBrand()
  const [form, setForm] = useState<Brand | null>(null)
  const action = useAction()
  useEffect(() => setForm(brand), [brand])
  if (!form) return <LoadFailure error={error} missing={missing} />
  const set = (change: Partial<Brand>) => setForm({ ...form, ...change })
  return (
    <form
      class="admin-form grid-form card"
      aria-labelledby="brand-title"
      onSubmit={async (event) => {
        event.preventDefault()
        const change = {
          name: form.name,
          time_zone: form.time_zone,
          ...(form.always_staffed !== undefined ? { always_staffed: form.always_staffed } : {}),
          ...(form.reopen_window_days !== undefined ? { reopen_window_days: Number(form.reopen_window_days) } : {}),
          ...(form.promise_reminder_minutes !== undefined ? { promise_reminder_minutes: Number(form.promise_reminder_minutes) } : {}),
        }
        if (await action.run(() => patch(`/api/admin/brands/${form.id}`, change), 'Brand saved.')) reload()
      }}
    >
      <h2 id="brand-title">Brand</h2>
      <Field label="Name">
        <input value={form.name} required onInput={(event) => set({ name: event.currentTarget.value })} />
      </Field>
      <Field label="Time zone (IANA, e.g. Europe/Tallinn)">
        <input value={form.time_zone} required onInput={(event) => set({ time_zone: event.currentTarget.value })} />
      </Field>
      <Field label="Reopen window (days)">
        <input type="number" min={0} value={form.reopen_window_days ?? ''} onInput={(event) => set({ reopen_window_days: Number(event.currentTarget.value) })} />
      </Field>
      <Field label="Promise reminder (minutes before due)">
        <input type="number" min={0} value={form.promise_reminder_minutes ?? ''} onInput={(event) => set({ promise_reminder_minutes: Number(event.currentTarget.value) })} />
      </Field>
      <label class="check">
        <input type="checkbox" checked={form.always_staffed ?? false} onChange={(event) => set({ always_staffed: event.currentTarget.checked })} />
        Always staffed (SLA clocks ignore business hours)
      </label>
      <FormActions action={action} submit="Save brand" />
    </form>
  )
}

export function HoursTab() {
  const { path, list: hours, rows, error, missing } = useBrandRows('hours', (data: { hours: BusinessHours[] }) =>
    data.hours.map((row) => ({ ...row, opens_at: hhmm(row.opens_at), closes_at: hhmm(row.closes_at) })),
  )
  if (!path) return null
  if (hours.missing) return <LoadFailure error={hours.error} missing />
  return (
    <ListForm
      labelledBy="hours-title"
      save={() => put(path, { hours: rows.rows })}
      saved="Business hours saved."
      onSaved={hours.reload}
      ready={!!hours.data}
      add={['Add hours', () => rows.add({ weekday: 1, opens_at: '08:00', closes_at: '17:00' })]}
      submit="Save hours"
    >
      <h2 id="hours-title">Business hours</h2>
      <LoadFailure error={error} missing={missing} />
      <WeeklySpans rows={rows} columns={[['opens_at', 'Opens'], ['closes_at', 'Closes']]} />
    </ListForm>
  )
}

export function HolidaysTab() {
  const { path, list: holidays, rows, error, missing } = useBrandRows('holidays', (data: { holidays: Holiday[] }) =>
    data.holidays.map((row) => ({ ...row, day: row.day.slice(0, 10) })),
  )
  if (!path || holidays.missing) return <LoadFailure error={error} missing={missing} />
  return (
    <ListForm
      labelledBy="holidays-title"
      save={() => put(path, { holidays: rows.rows })}
      saved="Holidays saved."
      onSaved={holidays.reload}
      ready={!!holidays.data}
      add={['Add a holiday', () => rows.add({ day: '', name: '' })]}
      submit="Save holidays"
    >
      <h2 id="holidays-title">Holidays</h2>
      <p class="muted">Closed all day: SLA clocks do not run.</p>
      <LoadFailure error={error} missing={missing} />
      <AdminTable columns={['Day', 'Name']} actions="Remove">
        {rows.rows.map((row, index) => (
          <tr key={index}>
            <td>
              <input aria-label="Day" type="date" value={row.day} required onInput={(event) => rows.update(index, { day: event.currentTarget.value })} />
            </td>
            <td>
              <input aria-label="Name" value={row.name} required onInput={(event) => rows.update(index, { name: event.currentTarget.value })} />
            </td>
            <RemoveCell onRemove={() => rows.remove(index)} />
          </tr>
        ))}
      </AdminTable>
    </ListForm>
  )
}

export function SlaTab() {
  const { path, list: sla, rows, error, missing } = useBrandRows('sla', (data: { policies: SlaPolicy[] }) => {
    const byPriority = new Map(data.policies.map((policy) => [policy.priority, policy]))
    return [1, 2, 3, 4].map((priority) => byPriority.get(priority) ?? { priority, first_response_minutes: 60, next_response_minutes: 120, resolution_minutes: 1440 })
  })
  const field = (row: SlaPolicy, index: number, key: 'first_response_minutes' | 'next_response_minutes' | 'resolution_minutes', label: string) => (
    <td>
      <input aria-label={`P${row.priority} ${label}`} type="number" min={1} value={row[key]} required onInput={(event) => rows.update(index, { [key]: Number(event.currentTarget.value) })} />
    </td>
  )
  if (!path || sla.missing) return <LoadFailure error={error} missing={missing} />
  return (
    <ListForm labelledBy="sla-admin-title" save={() => put(path, { policies: rows.rows })} saved="SLA policy saved." onSaved={sla.reload} ready={!!sla.data} submit="Save SLA policy">
      <h2 id="sla-admin-title">SLA policy</h2>
      <p class="muted">Targets in business minutes.</p>
      <LoadFailure error={error} missing={missing} />
      <AdminTable columns={['Priority', 'First response', 'Next response', 'Resolution']}>
        {rows.rows.map((row, index) => (
          <tr key={row.priority}>
            <th scope="row">P{row.priority}</th>
            {field(row, index, 'first_response_minutes', 'first response minutes')}
            {field(row, index, 'next_response_minutes', 'next response minutes')}
            {field(row, index, 'resolution_minutes', 'resolution minutes')}
          </tr>
        ))}
      </AdminTable>
    </ListForm>
  )
}
