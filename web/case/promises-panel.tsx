// The promises still open on a case, read off its timeline (the latest word on each promise
// wins), each with its countdown and a button to mark it kept.
import { useState } from 'preact/hooks'
import { describe, post } from '../api'
import type { TimelineEvent } from '../api-types'
import { Countdown } from '../time'
import { toast } from '../toast'

export interface OpenPromise {
  id: string
  text: string
  due_at: string
  by: string | null
}

export function openPromises(timeline: TimelineEvent[]): OpenPromise[] {
  const latest = new Map<string, { status: string; promise: OpenPromise }>()
  for (const event of timeline) {
    if (event.kind !== 'promise') continue
    const id = event.body.promise_id
    if (typeof id !== 'string' && typeof id !== 'number') continue
    const key = String(id)
    const status = typeof event.body.status === 'string' ? event.body.status : 'open'
    const previous = latest.get(key)
    latest.set(key, {
      status,
      promise: {
        id: key,
        text: typeof event.body.text === 'string' ? event.body.text : (previous?.promise.text ?? ''),
        due_at: typeof event.body.due_at === 'string' ? event.body.due_at : (previous?.promise.due_at ?? ''),
        by: previous?.promise.by ?? event.actor?.name ?? null,
      },
    })
  }
  return [...latest.values()]
    .filter((entry) => entry.status === 'open')
    .map((entry) => entry.promise)
    .sort((a, b) => a.due_at.localeCompare(b.due_at))
}

export function PromisesPanel({ promises, canKeep, onChanged }: { promises: OpenPromise[]; canKeep: boolean; onChanged: () => void }) {
  const [busy, setBusy] = useState<string | null>(null)
  const keep = async (promise: OpenPromise) => {
    setBusy(promise.id)
    try {
      await post(`/api/promises/${promise.id}/keep`)
      toast('Promise marked kept.', 'ok')
      onChanged()
    } catch (caught) {
      toast(describe(caught), 'bad', 8000)
    } finally {
      setBusy(null)
    }
  }
  return (
    <section class="card panel" aria-labelledby="promises-title" data-testid="promises-panel">
      <h2 id="promises-title">Open promises</h2>
      {promises.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul class="promises">
          {promises.map((promise) => (
            <li key={promise.id} data-testid="open-promise">
              <p class="user-text">{promise.text}</p>
              <p class="promise-meta">
                <Countdown due={promise.due_at} label="Promise" />
                {promise.by && <small class="muted"> · {promise.by}</small>}
              </p>
              {canKeep && (
                <button type="button" class="small" disabled={busy === promise.id} data-testid="keep-promise" onClick={() => void keep(promise)}>
                  Mark kept
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
