// Hash routing: #/inbox?view=mine, #/cases/42, #/handoffs, #/admin/users, #/trends.
import { useEffect, useState } from 'preact/hooks'

export type Route =
  | { page: 'inbox'; params: URLSearchParams }
  | { page: 'case'; id: string }
  | { page: 'admin'; tab: string }
  | { page: 'trends' }
  | { page: 'handoffs' }
  | { page: 'home' }

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?', 2)
  const parts = path.split('/').filter(Boolean)
  if (parts[0] === 'inbox') return { page: 'inbox', params: new URLSearchParams(search) }
  if (parts[0] === 'cases' && parts[1] && /^\d+$/.test(parts[1])) return { page: 'case', id: parts[1] }
  if (parts[0] === 'admin') return { page: 'admin', tab: parts[1] ?? 'users' }
  if (parts[0] === 'trends') return { page: 'trends' }
  if (parts[0] === 'handoffs') return { page: 'handoffs' }
  return { page: 'home' }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash))
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash))
    addEventListener('hashchange', changed)
    return () => removeEventListener('hashchange', changed)
  }, [])
  return route
}

export function navigate(path: string, { replace = false } = {}) {
  const hash = `#${path}`
  if (location.hash === hash) return
  if (replace) {
    history.replaceState(null, '', hash)
    dispatchEvent(new HashChangeEvent('hashchange'))
  } else location.hash = hash
}
