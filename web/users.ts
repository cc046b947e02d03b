// Who the case page names: the colleagues list (GET /api/users, for care: the assign picker and
// @mentions) and everyone's names (GET /api/users/names, for the timeline's events, whoever
// reads it). Each fetched once per minute at most, shared by every view.
import { useEffect, useState } from 'preact/hooks'
import { describe, get } from './api'
import type { User, UserName } from './api-types'

function sharedList<T>(path: string) {
  let cache: { items: T[]; at: number } | null = null
  let pending: Promise<T[]> | null = null

  const load = (force = false): Promise<T[]> => {
    if (!force && cache && Date.now() - cache.at < 60_000) return Promise.resolve(cache.items)
    pending ??= get<{ users: T[] }>(path)
      .then(({ users }) => {
        cache = { items: users, at: Date.now() }
        return users
      })
      .finally(() => {
        pending = null
      })
    return pending
  }

  /** The list, loaded when `enabled` (a role that may not read it asks for nothing). */
  const use = (enabled: boolean): { items: T[]; error: string | null; reload: () => void } => {
    const [items, setItems] = useState<T[]>(cache?.items ?? [])
    const [error, setError] = useState<string | null>(null)
    const reload = (force = false) => {
      if (!enabled) return
      void load(force).then(
        (list) => {
          setItems(list)
          setError(null)
        },
        (caught: unknown) => setError(describe(caught)),
      )
    }
    useEffect(() => reload(), [enabled])
    return { items, error, reload: () => reload(true) }
  }

  return { load, use, forget: () => (cache = null) }
}

const colleagues = sharedList<User>('/api/users')
const names = sharedList<UserName>('/api/users/names')

export const loadUsers = colleagues.load

/** After a change to the users (admin, logging out): both lists are fetched again. */
export function forgetUsers() {
  colleagues.forget()
  names.forget()
}

export function useUsers(enabled = true): { users: User[]; error: string | null; reload: () => void } {
  const { items, error, reload } = colleagues.use(enabled)
  return { users: items, error, reload }
}

export function useUserNames(): UserName[] {
  return names.use(true).items
}
