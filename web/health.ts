export interface Health {
  status: 'ok' | 'unmigrated' | 'unavailable'
  runtime: string
  database: { reachable: boolean; error?: string; migration: { version: number; name: string } | null }
}

export async function readHealth(): Promise<Health> {
  const response = await fetch('/healthz', { headers: { accept: 'application/json' } })
  return (await response.json()) as Health
}
