// The brand's settings, business hours, holidays and SLA policy.
import { useEffect, useState } from 'preact/hooks'
import { patch, put } from '../api'
import type { Brand, BusinessHours, Holiday, SlaPolicy } from '../api-types'
import { Failure, hhmm, timePattern, LoadFailure, useAction, useBrands, useLoad, weekdayNames } from './common'

function useBrand(): { brand: Brand | null; error: string | null; missing: boolean; reload: () => void } {
  const { data, error, missing, reload } = useBrands()
  return { brand: data?.brands[0] ?? null, error, missing, reload }
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
      <label class="stack">
        <span>Name</span>
        <input value={form.name} required onInput={(event) => set({ name: event.currentTarget.value })} />
      </label>
      <label class="stack">
        <span>Time zone (IANA, e.g. Europe/Tallinn)</span>
        <input value={form.time_zone} required onInput={(event) => set({ time_zone: event.currentTarget.value })} />
      </label>
      <label class="stack">
        <span>Reopen window (days)</span>
        <input type="number" min={0} value={form.reopen_window_days ?? ''} onInput={(event) => set({ reopen_window_days: Number(event.currentTarget.value) })} />
      </label>
      <label class="stack">
        <span>Promise reminder (minutes before due)</span>
        <input type="number" min={0} value={form.promise_reminder_minutes ?? ''} onInput={(event) => set({ promise_reminder_minutes: Number(event.currentTarget.value) })} />
      </label>
      <label class="check">
        <input type="checkbox" checked={form.always_staffed ?? false} onChange={(event) => set({ always_staffed: event.currentTarget.checked })} />
        Always staffed (SLA clocks ignore business hours)
      </label>
      <Failure error={action.error} />
      <div class="form-actions">
        <button type="submit" class="primary" disabled={action.busy}>
          Save brand
        </button>
      </div>
    </form>
  )
}

export function HoursTab() {
  const { brand, error, missing } = useBrand()
  const hours = useLoad<{ hours: BusinessHours[] }>(brand ? `/api/admin/brands/${brand.id}/hours` : null)
  const [rows, setRows] = useState<BusinessHours[]>([])
  const action = useAction()
  useEffect(() => {
    if (hours.data) setRows(hours.data.hours.map((row) => ({ ...row, opens_at: hhmm(row.opens_at), closes_at: hhmm(row.closes_at) })))
  }, [hours.data])
  const update = (index: number, change: Partial<BusinessHours>) => setRows(rows.map((row, at) => (at === index ? { ...row, ...change } : row)))
  if (!brand) return null
  if (hours.missing) return <LoadFailure error={hours.error} missing />
  return (
    <form
      class="admin-form card"
      aria-labelledby="hours-title"
      onSubmit={async (event) => {
        event.preventDefault()
        if (brand && (await action.run(() => put(`/api/admin/brands/${brand.id}/hours`, { hours: rows }), 'Business hours saved.'))) hours.reload()
      }}
    >
      <h2 id="hours-title">Business hours</h2>
      <LoadFailure error={error ?? hours.error} missing={missing || hours.missing} />
      <table class="admin-table">
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Opens</th>
            <th scope="col">Closes</th>
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
                <input aria-label="Opens" type="text" placeholder="HH:MM" pattern={timePattern} size={6} value={row.opens_at} required onInput={(event) => update(index, { opens_at: event.currentTarget.value })} />
              </td>
              <td>
                <input aria-label="Closes" type="text" placeholder="HH:MM" pattern={timePattern} size={6} value={row.closes_at} required onInput={(event) => update(index, { closes_at: event.currentTarget.value })} />
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
      <Failure error={action.error} />
      <div class="form-actions">
        <button type="button" onClick={() => setRows([...rows, { weekday: 1, opens_at: '08:00', closes_at: '17:00' }])}>
          Add hours
        </button>
        <button type="submit" class="primary" disabled={action.busy || !hours.data}>
          Save hours
        </button>
      </div>
    </form>
  )
}

export function HolidaysTab() {
  const { brand, error, missing } = useBrand()
  const holidays = useLoad<{ holidays: Holiday[] }>(brand ? `/api/admin/brands/${brand.id}/holidays` : null)
  const [rows, setRows] = useState<Holiday[]>([])
  const action = useAction()
  useEffect(() => {
    if (holidays.data) setRows(holidays.data.holidays.map((row) => ({ ...row, day: row.day.slice(0, 10) })))
  }, [holidays.data])
  const update = (index: number, change: Partial<Holiday>) => setRows(rows.map((row, at) => (at === index ? { ...row, ...change } : row)))
  if (!brand || holidays.missing) return <LoadFailure error={error ?? holidays.error} missing={missing || holidays.missing} />
  return (
    <form
      class="admin-form card"
      aria-labelledby="holidays-title"
      onSubmit={async (event) => {
        event.preventDefault()
        if (brand && (await action.run(() => put(`/api/admin/brands/${brand.id}/holidays`, { holidays: rows }), 'Holidays saved.'))) holidays.reload()
      }}
    >
      <h2 id="holidays-title">Holidays</h2>
      <p class="muted">Closed all day: SLA clocks do not run.</p>
      <LoadFailure error={error ?? holidays.error} missing={missing || holidays.missing} />
      <table class="admin-table">
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Name</th>
            <th scope="col"><span class="visually-hidden">Remove</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              <td>
                <input aria-label="Day" type="date" value={row.day} required onInput={(event) => update(index, { day: event.currentTarget.value })} />
              </td>
              <td>
                <input aria-label="Name" value={row.name} required onInput={(event) => update(index, { name: event.currentTarget.value })} />
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
      <Failure error={action.error} />
      <div class="form-actions">
        <button type="button" onClick={() => setRows([...rows, { day: '', name: '' }])}>
          Add a holiday
        </button>
        <button type="submit" class="primary" disabled={action.busy || !holidays.data}>
          Save holidays
        </button>
      </div>
    </form>
  )
}

export function SlaTab() {
  const { brand, error, missing } = useBrand()
  const sla = useLoad<{ policies: SlaPolicy[] }>(brand ? `/api/admin/brands/${brand.id}/sla` : null)
  const [rows, setRows] = useState<SlaPolicy[]>([])
  const action = useAction()
  useEffect(() => {
    if (!sla.data) return
    const byPriority = new Map(sla.data.policies.map((policy) => [policy.priority, policy]))
    setRows([1, 2, 3, 4].map((priority) => byPriority.get(priority) ?? { priority, first_response_minutes: 60, next_response_minutes: 120, resolution_minutes: 1440 }))
  }, [sla.data])
  const update = (index: number, change: Partial<SlaPolicy>) => setRows(rows.map((row, at) => (at === index ? { ...row, ...change } : row)))
  const field = (row: SlaPolicy, index: number, key: 'first_response_minutes' | 'next_response_minutes' | 'resolution_minutes', label: string) => (
    <td>
      <input aria-label={`P${row.priority} ${label}`} type="number" min={1} value={row[key]} required onInput={(event) => update(index, { [key]: Number(event.currentTarget.value) })} />
    </td>
  )
  if (!brand || sla.missing) return <LoadFailure error={error ?? sla.error} missing={missing || sla.missing} />
  return (
    <form
      class="admin-form card"
      aria-labelledby="sla-admin-title"
      onSubmit={async (event) => {
        event.preventDefault()
        if (brand && (await action.run(() => put(`/api/admin/brands/${brand.id}/sla`, { policies: rows }), 'SLA policy saved.'))) sla.reload()
      }}
    >
      <h2 id="sla-admin-title">SLA policy</h2>
      <p class="muted">Targets in business minutes.</p>
      <LoadFailure error={error ?? sla.error} missing={missing || sla.missing} />
      <table class="admin-table">
        <thead>
          <tr>
            <th scope="col">Priority</th>
            <th scope="col">First response</th>
            <th scope="col">Next response</th>
            <th scope="col">Resolution</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={row.priority}>
              <th scope="row">P{row.priority}</th>
              {field(row, index, 'first_response_minutes', 'first response minutes')}
              {field(row, index, 'next_response_minutes', 'next response minutes')}
              {field(row, index, 'resolution_minutes', 'resolution minutes')}
            </tr>
          ))}
        </tbody>
      </table>
      <Failure error={action.error} />
      <div class="form-actions">
        <button type="submit" class="primary" disabled={action.busy || !sla.data}>
          Save SLA policy
        </button>
      </div>
    </form>
  )
}
