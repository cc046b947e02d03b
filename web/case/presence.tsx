// Collision warning: while a case is open the page says so every 5 seconds (and whether the
// composer is being typed in), and shows who else has it open.
import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError, post } from '../api'
import type { Presence } from '../api-types'

/** The composer's activity, written by the composer, read by the heartbeat. */
export interface TypingState {
  focused: boolean
  lastChange: number
}

export function isTyping(state: TypingState, now = Date.now()): boolean {
  return state.focused && now - state.lastChange < 5000
}

export function usePresence(caseId: string, typing: { current: TypingState }, enabled: boolean): Presence[] {
  const [present, setPresent] = useState<Presence[]>([])
  const stopped = useRef(false)
  const wasTyping = useRef(false)
  useEffect(() => {
    if (!enabled) return
    stopped.current = false
    setPresent([])
    const beat = async () => {
      if (stopped.current) return
      const now = isTyping(typing.current)
      wasTyping.current = now
      try {
        const answer = await post<{ present: Presence[] }>(`/api/cases/${caseId}/presence`, { typing: now })
        if (!stopped.current) setPresent(answer?.present ?? [])
      } catch (caught) {
        // Not on this server yet, or not for this role: no banner, and no more asking.
        if (caught instanceof ApiError && (caught.missingRoute || caught.status === 403)) stopped.current = true
      }
    }
    void beat()
    const timer = setInterval(() => void beat(), 5000)
    // Starting to type is worth saying at once rather than at the next beat.
    const watch = setInterval(() => {
      if (!wasTyping.current && isTyping(typing.current)) void beat()
    }, 1000)
    return () => {
      stopped.current = true
      clearInterval(timer)
      clearInterval(watch)
    }
  }, [caseId, enabled])
  return present
}

export function PresenceBanner({ present, myId }: { present: Presence[]; myId: string }) {
  const others = present.filter((person) => person.user_id !== myId)
  return (
    <div class="presence-slot" aria-live="polite">
      {others.length > 0 && (
        <p class={`presence${others.some((person) => person.typing) ? ' typing' : ''}`} data-testid="presence-banner">
          {others.map((person, index) => (
            <span key={person.user_id}>
              {index > 0 && '; '}
              <strong>{person.name}</strong> {person.typing ? 'is typing a reply' : 'is viewing'}
            </span>
          ))}
        </p>
      )}
    </div>
  )
}
