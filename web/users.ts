// The colleagues list (GET /api/users): for the assign picker, @mentions and the names on the
// timeline's assignment events. Fetched once per minute at most, shared by every view.
import { useEffect, useState } from 'preact/hooks'
import { describe, get } from './api'
import type { User } from './api-types'

let cache: { users: User[]; at: number } | null = null
let pending: Promise<User[]> | null = null

export function loadUsers(force = false): Promise<User[]> {
  if (!force && cache && Date.now() - cache.at < 60_000) return Promise.resolve(cache.users)
  pending ??= get<{ users: User[] }>('/api/users')
    .then(({ users }) => {
      cache = { users, at: Date.now() }
      return users
    })
    .finally(() => {
      pending = null
    })
  return pending
}

export function forgetUsers() {
  cache = null
}

export function useUsers(): { users: User[]; error: string | null; reload: () => void } {
  const [users, setUsers] = useState<User[]>(cache?.users ?? [])
  const [error, setError] = useState<string | null>(null)
  const reload = (force = false) =>
    void loadUsers(force).then(
      (list) => {
        setUsers(list)
        setError(null)
      },
      (caught: unknown) => setError(describe(caught)),
    )
  useEffect(() => reload(), [])
  return { users, error, reload: () => reload(true) }
}
