// The case queue as the server sends it (GET /api/cases), and the session calls.
export interface Reason {
  signal: string
  points: number
  reason: string
}

export interface CaseSummary {
  id: string
  status: string
  priority: number
  owner: { id: string; name: string } | null
  customer: { id: string; name: string | null; handle: string | null; platform: string | null }
  language: string | null
  sla_due_at: string | null
  latest_text: string | null
  mentions: number
  reasons: Reason[]
}

export class NotLoggedIn extends Error {}

export async function readCases(): Promise<CaseSummary[]> {
  const response = await fetch('/api/cases?limit=200', { headers: { accept: 'application/json' } })
  if (response.status === 401) throw new NotLoggedIn()
  if (!response.ok) throw new Error(`the server answered ${response.status}`)
  return ((await response.json()) as { cases: CaseSummary[] }).cases
}

export async function logIn(email: string, password: string): Promise<string | null> {
  const response = await fetch('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  if (response.ok) return null
  const problem = (await response.json().catch(() => ({}))) as { detail?: string }
  return problem.detail ?? `Log-in failed (${response.status}).`
}

export async function logOut(): Promise<void> {
  await fetch('/api/session', { method: 'DELETE' })
}
