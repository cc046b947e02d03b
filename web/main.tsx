import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { type Health, readHealth } from './health'

function Status() {
  const [health, setHealth] = useState<Health | { error: string } | null>(null)
  useEffect(() => {
    readHealth().then(setHealth, (error: unknown) => setHealth({ error: String(error) }))
  }, [])

  return (
    <>
      <h1>Earshot</h1>
      <p class="tagline">Social-media complaint monitoring and rapid response.</p>
      <h2>Service status</h2>
      {health === null && <p>Checking…</p>}
      {health !== null && 'error' in health && <p class="bad">The server did not answer: {health.error}</p>}
      {health !== null && 'status' in health && (
        <dl>
          <dt>Status</dt>
          <dd class={health.status === 'ok' ? 'ok' : 'bad'}>{health.status}</dd>
          <dt>Runtime</dt>
          <dd>{health.runtime}</dd>
          <dt>Database</dt>
          <dd>{health.database.reachable ? 'reachable' : `unreachable: ${health.database.error}`}</dd>
          <dt>Schema version</dt>
          <dd>{health.database.migration ? `${health.database.migration.version} (${health.database.migration.name})` : 'none'}</dd>
        </dl>
      )}
    </>
  )
}

render(<Status />, document.getElementById('app')!)
