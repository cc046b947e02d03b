// The Trends page. Its code and the chart library are a chunk of their own (web/build.ts),
// fetched the first time someone opens the page, so the inbox's first load does not carry them.
import type { ComponentType } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { currentParams } from './trends/state'

type DashboardComponent = ComponentType<{ params: URLSearchParams }>

let loading: Promise<DashboardComponent> | null = null

function loadDashboard(): Promise<DashboardComponent> {
  loading ??= import('./trends/dashboard').then(
    (module) => module.Dashboard,
    (error: unknown) => {
      // A failed fetch (offline, or a deploy replaced the chunk) may work on the next try.
      loading = null
      throw error
    },
  )
  return loading
}

export function Trends() {
  const [Dashboard, setDashboard] = useState<DashboardComponent | null>(null)
  const [failed, setFailed] = useState(false)
  const load = () => {
    setFailed(false)
    loadDashboard().then(
      (component) => setDashboard(() => component),
      () => setFailed(true),
    )
  }
  useEffect(load, [])
  if (Dashboard) return <Dashboard params={currentParams()} />
  return (
    <section class="trends" aria-labelledby="trends-title" data-testid="trends-loading">
      <h1 id="trends-title">Trends</h1>
      {failed ? (
        <div class="notice bad" role="alert">
          <p>The Trends page could not be loaded; check the connection.</p>
          <button type="button" onClick={load}>
            Try again
          </button>
        </div>
      ) : (
        <p class="muted">Loading trends…</p>
      )}
    </section>
  )
}
