// What every admin form shares: loading a resource, running a change with the server's refusal
// shown next to the form, and the brand most settings belong to.
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
