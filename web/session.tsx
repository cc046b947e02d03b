// Who is logged in: GET /api/me decides. The log-in form, with the server's words on refusal
// (including how long to wait after too many attempts).
import { createContext } from 'preact'
import { useContext, useState } from 'preact/hooks'
import { api, ApiError, describe } from './api'
import type { Me, Role } from './api-types'

const storedKey = 'earshot.me'

export const MeContext = createContext<Me | null>(null)

export function useMe(): Me {
  const me = useContext(MeContext)
  if (!me) throw new Error('useMe outside a session')
  return me
}

/** What each role may do; the server enforces the same. */
export const can = {
  /** The inbox, live updates and presence: the care roles. */
  readCases: (role: Role) => role === 'agent' || role === 'executive' || role === 'admin',
  /** One case, opened by its address; marketing too, read-only (it follows Trends to a case). */
  readCase: (role: Role) => role === 'agent' || role === 'executive' || role === 'admin' || role === 'marketing',
  act: (role: Role) => role === 'agent' || role === 'admin',
  note: (role: Role) => role === 'agent' || role === 'executive' || role === 'admin',
  keepPromise: (role: Role) => role === 'agent' || role === 'executive' || role === 'admin',
  admin: (role: Role) => role === 'admin',
  handoffs: (role: Role) => role === 'executive' || role === 'admin',
  trends: (role: Role) => role === 'marketing' || role === 'admin' || role === 'executive',
}

export async function loadMe(): Promise<Me | null> {
  try {
    const { user } = await api<{ user: Me }>('/api/me', { quiet401: true })
    sessionStorage.setItem(storedKey, JSON.stringify(user))
    return user
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      sessionStorage.removeItem(storedKey)
      return null
    }
    // A server without /api/me yet: trust the user the log-in answered with, if the session
    // still works.
    if (error instanceof ApiError && error.missingRoute) {
      const stored = sessionStorage.getItem(storedKey)
      if (!stored) return null
      try {
        await api('/api/notifications?limit=1', { quiet401: true })
        return JSON.parse(stored) as Me
      } catch {
        return null
      }
    }
    throw error
  }
}

export async function logOut(): Promise<void> {
  // The next person at this browser starts clean: no user, no drafts.
  for (const key of Object.keys(sessionStorage)) if (key.startsWith('earshot.')) sessionStorage.removeItem(key)
  await api('/api/session', { method: 'DELETE', quiet401: true }).catch(() => undefined)
}

export function LogIn({ onDone }: { onDone: (me: Me) => void }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  return (
    <main id="main" class="login-page">
      <form
        class="login card"
        aria-labelledby="login-title"
        data-testid="login-form"
        onSubmit={async (event) => {
          event.preventDefault()
          setBusy(true)
          setError(null)
          try {
            const { user } = await api<{ user: Me }>('/api/session', { method: 'POST', body: { email, password }, quiet401: true })
            sessionStorage.setItem(storedKey, JSON.stringify(user))
            // /api/me adds the languages; the log-in answer is enough if it is not there yet.
            const me = await loadMe().catch(() => null)
            onDone(me ?? user)
          } catch (caught) {
            // A 429's detail already says how long to wait (Retry-After holds the same).
            setError(describe(caught))
          } finally {
            setBusy(false)
          }
        }}
      >
        <h1 id="login-title">Log in to Earshot</h1>
        <label>
          Email
          <input type="email" name="email" autocomplete="username" required value={email} onInput={(event) => setEmail(event.currentTarget.value)} />
        </label>
        <label>
          Password
          <input type="password" name="password" autocomplete="current-password" required value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
        </label>
        {error && (
          <p class="bad" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  )
}
