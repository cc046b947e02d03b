// Short messages for the person ("Reply queued", a refusal's detail), read out by screen readers.
import { useEffect, useState } from 'preact/hooks'

export interface Toast {
  id: number
  text: string
  tone: 'info' | 'ok' | 'bad'
}

let toasts: Toast[] = []
let nextId = 1
const listeners = new Set<(list: Toast[]) => void>()

function publish() {
  for (const listener of listeners) listener(toasts)
}

export function toast(text: string, tone: Toast['tone'] = 'info', ms = 5000) {
  const id = nextId++
  toasts = [...toasts.slice(-3), { id, text, tone }]
  publish()
  setTimeout(() => dismiss(id), ms)
}

export function dismiss(id: number) {
  toasts = toasts.filter((item) => item.id !== id)
  publish()
}

export function Toasts() {
  const [list, setList] = useState(toasts)
  useEffect(() => {
    listeners.add(setList)
    return () => void listeners.delete(setList)
  }, [])
  return (
    <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
      {list.map((item) => (
        <div class={`toast ${item.tone}`} key={item.id}>
          <span>{item.text}</span>
          <button type="button" class="plain" aria-label="Dismiss" onClick={() => dismiss(item.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  )
}
