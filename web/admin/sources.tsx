// Where mentions come from, and how each source is doing: the state to act on, last success,
// lag, the last error and how often it failed in a row.
import { useState } from 'preact/hooks'
import { del, patch, post } from '../api'
import type { Source } from '../api-types'
import { platforms } from '../api-types'
import { platformName } from '../text'
import { ago, formatSpan } from '../time'
import { AdminTable, Choice, Failure, Field, FormActions, LoadFailure, useAction, useBrands, useLoad } from './common'

const kinds = ['mentions', 'search', 'hashtag', 'direct_messages', 'replay']

export function SourcesTab() {
  const { data, error, missing, reload } = useLoad<{ sources: Source[] }>('/api/sources')
  const action = useAction()
  return (
    <>
      <LoadFailure error={error} missing={missing} />
      <Failure error={action.error} />
      {data && (
        <AdminTable caption="Sources and their health" columns={['Source', 'Health', 'Last success', 'Mentions', 'Last error']} actions="Actions" testid="admin-sources">
          {data.sources.map((source) => (
            <tr key={source.id}>
              <td>
                <strong>{source.name ?? `${platformName(source.platform)} ${source.kind}`}</strong>
                <small class="muted block">
                  {platformName(source.platform)} · {source.kind}
                  {source.query ? ` · “${source.query}”` : ''} · every {source.poll_interval_seconds}s
                </small>
              </td>
              <td>
                <span class={`health health-${source.status}`}>{source.status}</span>
                {source.consecutive_failures > 0 && <small class="muted block">{source.consecutive_failures} failures in a row</small>}
              </td>
              <td>
                {source.last_success_at ? ago(source.last_success_at) : 'never'}
                {source.lag_seconds !== null && source.lag_seconds > 0 && <small class="muted block">lag {formatSpan(source.lag_seconds * 1000)}</small>}
              </td>
              <td>
                {source.mentions}
                {source.rejected > 0 && <small class="muted block">{source.rejected} rejected</small>}
              </td>
              <td class="error-cell">{source.last_error ? <span class="user-text">{source.last_error}</span> : '—'}</td>
              <td>
                <button
                  type="button"
                  class="small"
                  disabled={action.busy}
                  onClick={async () => {
                    if (await action.run(() => patch(`/api/sources/${source.id}`, { enabled: !source.enabled }), source.enabled ? 'Source paused.' : 'Source resumed.')) reload()
                  }}
                >
                  {source.enabled ? 'Pause' : 'Resume'}
                </button>{' '}
                <button
                  type="button"
                  class="small danger"
                  disabled={action.busy}
                  onClick={async () => {
                    if (!confirm('Delete this source? Its mentions stay.')) return
                    if (await action.run(() => del(`/api/sources/${source.id}`), 'Source deleted.')) reload()
                  }}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
      <NewSource onDone={reload} />
    </>
  )
}

function NewSource({ onDone }: { onDone: () => void }) {
  const brands = useBrands()
  const [platform, setPlatform] = useState('x')
  const [kind, setKind] = useState('mentions')
  const [name, setName] = useState('')
  const [queryText, setQueryText] = useState('')
  const [interval, setPollInterval] = useState('60')
  const [settings, setSettings] = useState('{}')
  const action = useAction()
  return (
    <form
      class="admin-form grid-form card"
      aria-labelledby="new-source-title"
      onSubmit={async (event) => {
        event.preventDefault()
        let parsed: unknown
        try {
          parsed = JSON.parse(settings || '{}')
        } catch {
          await action.run(() => Promise.reject(new Error('Settings must be JSON, e.g. {"handle": "NordlinkCare"}.')))
          return
        }
        const body = {
          brand_id: brands.data?.brands[0]?.id,
          platform,
          kind,
          ...(name ? { name } : {}),
          ...(queryText ? { query: queryText } : {}),
          settings: parsed,
          poll_interval_seconds: Number(interval),
        }
        if (await action.run(() => post('/api/sources', body), 'Source added.')) {
          setName('')
          setQueryText('')
          onDone()
        }
      }}
    >
      <h2 id="new-source-title" class="full">
        New source
      </h2>
      <Field label="Platform">
        <Choice value={platform} values={platforms} name={platformName} onChange={setPlatform} />
      </Field>
      <Field label="Kind">
        <Choice value={kind} values={kinds} name={(value) => value.replaceAll('_', ' ')} onChange={setKind} />
      </Field>
      <Field label="Name (optional)">
        <input value={name} onInput={(event) => setName(event.currentTarget.value)} />
      </Field>
      <Field label="Query (search and hashtag kinds)">
        <input value={queryText} onInput={(event) => setQueryText(event.currentTarget.value)} />
      </Field>
      <Field label="Poll every (seconds)">
        <input type="number" min={1} max={86400} value={interval} onInput={(event) => setPollInterval(event.currentTarget.value)} />
      </Field>
      <Field label="Settings (JSON; secrets are named, not pasted)" full>
        <textarea rows={3} value={settings} onInput={(event) => setSettings(event.currentTarget.value)} class="mono" />
      </Field>
      <FormActions action={action} submit="Add source" full />
    </form>
  )
}
