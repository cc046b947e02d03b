// Live updates: one EventSource on GET /api/events for the whole page. Views subscribe to the
// case events; when the stream is unavailable (not built yet, or down) the page falls back to
// asking every 30 seconds, and says so in the header.
import { useEffect, useRef, useState } from 'preact/hooks'
import type { LiveEvent } from './api-types'

export type LiveState = 'off' | 'connecting' | 'live' | 'polling'

type Listener = (event: LiveEvent | null) => void

const listeners = new Set<Listener>()
const stateListeners = new Set<(state: LiveState) => void>()
let state: LiveState = 'off'
let source: EventSource | null = null
let lastId: string | null = null
let retryTimer: ReturnType<typeof setTimeout> | null = null
let pollTimer: ReturnType<typeof setInterval> | null = null
let failures = 0

function setState(next: LiveState) {
  if (state === next) return
  state = next
  for (const listener of stateListeners) listener(state)
}

function emit(event: LiveEvent | null) {
  for (const listener of listeners) listener(event)
}

function startPolling() {
  if (pollTimer === null) pollTimer = setInterval(() => emit(null), 30_000)
}

function stopPolling() {
  if (pollTimer !== null) clearInterval(pollTimer)
  pollTimer = null
}

function open() {
  if (source) return
  setState(state === 'polling' ? 'polling' : 'connecting')
  // EventSource resends Last-Event-ID itself when it reconnects; after we had to start a new
  // one (the server closed with an error), `after` carries on from the last event seen.
  const url = lastId ? `/api/events?after=${encodeURIComponent(lastId)}` : '/api/events'
  const stream = new EventSource(url, { withCredentials: true })
  source = stream
  stream.onopen = () => {
    failures = 0
    stopPolling()
    setState('live')
  }
  const received = (message: MessageEvent<string>) => {
    if (message.lastEventId) lastId = message.lastEventId
    try {
      const data = JSON.parse(message.data) as LiveEvent
      emit(data)
    } catch {
      emit(null)
    }
  }
  stream.addEventListener('case', received as EventListener)
  // The stream's starting point: remembered, nothing to refresh.
  stream.addEventListener('ready', ((message: MessageEvent<string>) => {
    if (message.lastEventId) lastId = message.lastEventId
  }) as EventListener)
  stream.onmessage = received
  stream.onerror = () => {
    if (stream.readyState === EventSource.CLOSED) {
      // Refused (404, 401, 5xx) or closed for good: ask on a timer, try the stream again later.
      stream.close()
      source = null
      failures += 1
      setState('polling')
      startPolling()
      if (retryTimer === null) {
        retryTimer = setTimeout(() => {
          retryTimer = null
          if (state !== 'off') open()
        }, Math.min(60_000, 5_000 * failures))
      }
    } else {
      // The browser is reconnecting by itself.
      setState('connecting')
    }
  }
}

/** Starts the stream (on log-in); stop() ends it (log-out). */
export function startLive() {
  if (state !== 'off') return
  state = 'connecting'
  open()
}

export function stopLive() {
  source?.close()
  source = null
  if (retryTimer !== null) clearTimeout(retryTimer)
  retryTimer = null
  stopPolling()
  failures = 0
  setState('off')
}

export function useLiveState(): LiveState {
  const [current, setCurrent] = useState(state)
  useEffect(() => {
    stateListeners.add(setCurrent)
    setCurrent(state)
    return () => void stateListeners.delete(setCurrent)
  }, [])
  return current
}

/**
 * Calls `handler` (once, `debounceMs` after a burst of events settles) when a case event arrives
 * that `filter` accepts; a null event is a polling tick and always passes. The latest handler
 * and filter are used, so a pending refresh is never dropped when the caller re-renders.
 */
export function useLiveEvents(handler: () => void, { filter, debounceMs = 300 }: { filter?: (event: LiveEvent) => boolean; debounceMs?: number } = {}) {
  const latest = useRef({ handler, filter })
  latest.current = { handler, filter }
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null
    const listener: Listener = (event) => {
      const accept = latest.current.filter
      if (event && accept && !accept(event)) return
      if (timer !== null) clearTimeout(timer)
      timer = setTimeout(() => {
        timer = null
        latest.current.handler()
      }, debounceMs)
    }
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
      if (timer !== null) clearTimeout(timer)
    }
  }, [debounceMs])
}
