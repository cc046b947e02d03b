// What every admin form shares: loading a resource, running a change with the server's refusal
// shown next to the form, the brand most settings belong to, and the pieces the forms and tables
// are built from.
import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { ApiError, describe, get } from '../api'
import type { Brand } from '../api-types'
import { toast } from '../toast'

export function useLoad<T>(path: string | null): { data: T | null; error: string | null; missing: boolean; reload: () => void } {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [missing, setMissing] = useState(false)
  const [round, setRound] = useState(0)
  useEffect(() => {
    if (path === null) return
    let current = true
    get<T>(path).then(
      (answer) => {
        if (!current) return
        setData(answer)
        setError(null)
        setMissing(false)
      },
      (caught: unknown) => {
        if (!current) return
        setError(describe(caught))
        setMissing(caught instanceof ApiError && caught.missingRoute)
      },
    )
    return () => {
      current = false
    }
  }, [path, round])
  return { data, error, missing, reload: () => setRound((value) => value + 1) }
}

/** Runs a change; on refusal keeps the server's detail for the form to show. */
export function useAction(): { busy: boolean; error: string | null; run: (action: () => Promise<unknown>, done?: string) => Promise<boolean>; clear: () => void } {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const run = async (action: () => Promise<unknown>, done?: string) => {
    setBusy(true)
    setError(null)
    try {
      await action()
      if (done) toast(done, 'ok')
      return true
    } catch (caught) {
      setError(describe(caught))
      return false
    } finally {
      setBusy(false)
    }
  }
  return { busy, error, run, clear: () => setError(null) }
}

export function Failure({ error }: { error: string | null }) {
  return error ? (
    <p class="bad" role="alert" data-testid="admin-error">
      {error}
    </p>
  ) : null
}

export function LoadFailure({ error, missing }: { error: string | null; missing: boolean }) {
  if (!error) return null
  return (
    <div class="notice bad" role="alert" data-testid="admin-error">
      <p>{missing ? `${error} Until it does, this section cannot be edited here.` : error}</p>
    </div>
  )
}

export const weekdayNames = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']

/** The brands, for the settings that belong to one (one brand per deployment for now). */
export function useBrands() {
  return useLoad<{ brands: Brand[] }>('/api/admin/brands')
}

/** "HH:MM" from what the server sends ("08:00:00" or "08:00"). */
export const hhmm = (value: string) => value.slice(0, 5)

export const list = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)

/** A time of day, or 24:00 for the end of one (the server's rule). */
export const timePattern = '(?:[01]\\d|2[0-3]):[0-5]\\d|24:00'

/** A labelled field, its caption above the input. */
export function Field({ label, full = false, children }: { label: ComponentChildren; full?: boolean; children: ComponentChildren }) {
  return (
    <label class={full ? 'stack full' : 'stack'}>
      <span>{label}</span>
      {children}
    </label>
  )
}

/** A select over fixed values, each shown as `name` gives it. */
export function Choice<T extends string>({ value, values, name = (option) => option, onChange }: { value: T; values: readonly T[]; name?: (option: T) => string; onChange: (value: T) => void }) {
  return (
    <select value={value} onChange={(event) => onChange(event.currentTarget.value as T)}>
      {values.map((option) => (
        <option key={option} value={option}>
          {name(option)}
        </option>
      ))}
    </select>
  )
}

/** The end of a form: the server's refusal, then `children` (other buttons) and the submit button. */
export function FormActions({
  action,
  submit,
  ready = true,
  full = false,
  children,
}: {
  action: { busy: boolean; error: string | null }
  submit: string
  /** False keeps the submit button disabled (nothing loaded yet, say). */
  ready?: boolean
  full?: boolean
  children?: ComponentChildren
}) {
  return (
    <>
      <Failure error={action.error} />
      <div class={full ? 'form-actions full' : 'form-actions'}>
        {children}
        <button type="submit" class="primary" disabled={action.busy || !ready}>
          {submit}
        </button>
      </div>
    </>
  )
}

/** An admin table: its caption, the column heads (`actions` names a last, unlabelled column), and `children` as the rows. */
export function AdminTable({ caption, columns, actions, testid, children }: { caption?: string; columns: string[]; actions?: string; testid?: string; children: ComponentChildren }) {
  return (
    <table class="admin-table" data-testid={testid}>
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
          {actions && (
            <th scope="col">
              <span class="visually-hidden">{actions}</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  )
}

export function RemoveCell({ onRemove }: { onRemove: () => void }) {
  return (
    <td>
      <button type="button" class="small" onClick={onRemove}>
        Remove
      </button>
    </td>
  )
}

/** A list edited row by row and saved as a whole. */
export interface Rows<T> {
  rows: T[]
  update: (index: number, change: Partial<T>) => void
  remove: (index: number) => void
  add: (row: T) => void
}

/** Rows read from `data` each time it arrives (loaded or loaded again). */
export function useRows<D, T>(data: D | null, read: (data: D) => T[]): Rows<T> {
  const [rows, setRows] = useState<T[]>([])
  useEffect(() => {
    if (data) setRows(read(data))
  }, [data])
  return {
    rows,
    update: (index, change) => setRows(rows.map((row, at) => (at === index ? { ...row, ...change } : row))),
    remove: (index) => setRows(rows.filter((_, at) => at !== index)),
    add: (row) => setRows([...rows, row]),
  }
}

/** A form that saves a list as a whole: `save` runs, then `onSaved` loads it again. */
export function ListForm({
  label,
  labelledBy,
  save,
  saved,
  onSaved,
  ready,
  add,
  submit,
  children,
}: {
  label?: string
  labelledBy?: string
  save: () => Promise<unknown>
  /** The toast once saved. */
  saved: string
  onSaved: () => void
  ready: boolean
  /** The button that adds a row: its text and what it does. */
  add?: [text: string, onAdd: () => void]
  submit: string
  children: ComponentChildren
}) {
  const action = useAction()
  return (
    <form
      class="admin-form card"
      aria-label={label}
      aria-labelledby={labelledBy}
      onSubmit={async (event) => {
        event.preventDefault()
        if (await action.run(save, saved)) onSaved()
      }}
    >
      {children}
      <FormActions action={action} submit={submit} ready={ready}>
        {add && (
          <button type="button" onClick={add[1]}>
            {add[0]}
          </button>
        )}
      </FormActions>
    </form>
  )
}

/** The keys of T whose values are strings. */
type TextKey<T> = { [K in keyof T]-?: T[K] extends string ? K : never }[keyof T] & string

/** Rows of a weekday and a time span (business hours, shifts): `columns` are the span's two ends. */
export function WeeklySpans<T extends { weekday: number }>({ caption, rows, columns }: { caption?: string; rows: Rows<T>; columns: [key: TextKey<T>, label: string][] }) {
  return (
    <AdminTable caption={caption} columns={['Day', ...columns.map(([, label]) => label)]} actions="Remove">
      {rows.rows.map((row, index) => (
        <tr key={index}>
          <td>
            <select aria-label="Day" value={String(row.weekday)} onChange={(event) => rows.update(index, { weekday: Number(event.currentTarget.value) } as Partial<T>)}>
              {weekdayNames.slice(1).map((name, day) => (
                <option key={name} value={String(day + 1)}>
                  {name}
                </option>
              ))}
            </select>
          </td>
          {columns.map(([key, label]) => (
            <td key={key}>
              <input aria-label={label} type="text" placeholder="HH:MM" pattern={timePattern} size={6} value={String(row[key])} required onInput={(event) => rows.update(index, { [key]: event.currentTarget.value } as Partial<T>)} />
            </td>
          ))}
          <RemoveCell onRemove={() => rows.remove(index)} />
        </tr>
      ))}
    </AdminTable>
  )
}
