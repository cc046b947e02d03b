// Keyboard shortcuts. Each view registers the keys it handles while it is shown; keys typed into
// a field are left alone (Escape excepted), and so are keys with Ctrl, Alt or Meta.
import { useEffect, useRef } from 'preact/hooks'

export interface Shortcut {
  keys: string
  does: string
  where: string
}

/** The list the "?" dialog shows. */
export const shortcuts: Shortcut[] = [
  { keys: 'j / k', does: 'Select the next / previous case', where: 'Inbox' },
  { keys: 'Enter', does: 'Open the selected case', where: 'Inbox' },
  { keys: '/', does: 'Search the inbox', where: 'Inbox' },
  { keys: 'r', does: 'Reply (public)', where: 'Case' },
  { keys: 'n', does: 'Write a note', where: 'Case' },
  { keys: 'a', does: 'Assign or transfer', where: 'Case' },
  { keys: 'c', does: 'Claim the case', where: 'Case' },
  { keys: 'e', does: 'Escalate to an executive', where: 'Case' },
  { keys: '?', does: 'Show these shortcuts', where: 'Everywhere' },
  { keys: 'Escape', does: 'Close a dialog, or go back to the inbox', where: 'Everywhere' },
]

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  const tag = target.tagName
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type)
  }
  return false
}

/** Whether a modal dialog is open: its own keys (Escape closes it) are the browser's business. */
function dialogOpen(): boolean {
  return document.querySelector('dialog[open]') !== null
}

export type KeyMap = Record<string, (event: KeyboardEvent) => void>

/** Handles the keys in `map` while the calling component is mounted. */
export function useKeys(map: KeyMap) {
  const current = useRef(map)
  current.current = map
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return
      const key = event.key
      if (key !== 'Escape' && (isTyping(event.target) || dialogOpen())) return
      if (key === 'Escape' && dialogOpen()) return
      // Enter on a button or a link is that control's own business.
      if (key === 'Enter' && event.target instanceof HTMLElement && event.target.closest('button, a, summary')) return
      const handler = current.current[key]
      if (!handler) return
      event.preventDefault()
      handler(event)
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])
}
