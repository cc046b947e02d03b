// Private notes for colleagues, with @mentions that notify them: typing "@ma" offers the people
// whose name or email starts so; arrows choose, Enter or Tab takes one, Escape closes the list.
import type { Ref } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { describe, post } from '../api'
import type { NoteCreated, User } from '../api-types'
import { toast } from '../toast'

interface Suggesting {
  start: number
  end: number
  matches: User[]
  active: number
}

function mentionAt(text: string, caret: number, users: User[]): Suggesting | null {
  const before = text.slice(0, caret)
  const match = /(^|\s)@([\p{L}\p{N}._-]{0,30})$/u.exec(before)
  if (!match) return null
  const word = match[2]!.toLowerCase()
  const matches = users
    .filter((user) => {
      const local = user.email.split('@')[0]!.toLowerCase()
      const names = user.name.toLowerCase().split(/\s+/)
      return word === '' || local.startsWith(word) || user.name.toLowerCase().startsWith(word) || names.some((name) => name.startsWith(word))
    })
    .slice(0, 6)
  if (matches.length === 0) return null
  return { start: caret - word.length - 1, end: caret, matches, active: 0 }
}

export function NoteForm({
  caseId,
  users,
  text,
  onText,
  textRef,
  onSaved,
}: {
  caseId: string
  users: User[]
  text: string
  onText: (text: string) => void
  textRef: Ref<HTMLTextAreaElement>
  onSaved: () => void
}) {
  const [suggest, setSuggest] = useState<Suggesting | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  const listRef = useRef<HTMLUListElement>(null)
  const open = suggest !== null
  useEffect(() => {
    if (open) listRef.current?.scrollIntoView({ block: 'nearest' })
  }, [open])

  const area = () => (textRef as { current: HTMLTextAreaElement | null }).current

  const pick = (user: User) => {
    if (!suggest) return
    const inserted = `@${user.name} `
    const next = text.slice(0, suggest.start) + inserted + text.slice(suggest.end)
    onText(next)
    setSuggest(null)
    const caret = suggest.start + inserted.length
    requestAnimationFrame(() => {
      const element = area()
      element?.focus()
      element?.setSelectionRange(caret, caret)
    })
  }

  const save = async () => {
    if (!text.trim() || saving) return
    setSaving(true)
    setError(null)
    try {
      const answer = await post<NoteCreated>(`/api/cases/${caseId}/notes`, { text: text.trim() })
      const names = (answer?.mentioned ?? []).map((id) => users.find((user) => user.id === id)?.name ?? `user ${id}`)
      toast(names.length > 0 ? `Note added; told ${names.join(', ')}.` : 'Note added.', 'ok')
      onText('')
      onSaved()
    } catch (caught) {
      setError(describe(caught))
    } finally {
      setSaving(false)
    }
  }

  const listId = `mention-list-${caseId}`
  return (
    <form
      class="note-form card"
      aria-labelledby="note-title"
      data-testid="note-form"
      onSubmit={(event) => {
        event.preventDefault()
        void save()
      }}
    >
      <h2 id="note-title">Internal note</h2>
      <div class="mention-wrap">
        <label class="stack">
          <span>Note for colleagues (not sent to the customer). Type @ to mention someone.</span>
          <textarea
            ref={textRef}
            rows={3}
            value={text}
            data-testid="note-text"
            aria-autocomplete="list"
            aria-controls={listId}
            aria-activedescendant={suggest ? `${listId}-${suggest.active}` : undefined}
            onInput={(event) => {
              const element = event.currentTarget
              onText(element.value)
              setSuggest(mentionAt(element.value, element.selectionStart ?? element.value.length, users))
            }}
            onBlur={() => setTimeout(() => setSuggest(null), 150)}
            onKeyDown={(event) => {
              if (suggest) {
                if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
                  event.preventDefault()
                  const step = event.key === 'ArrowDown' ? 1 : -1
                  setSuggest({ ...suggest, active: (suggest.active + step + suggest.matches.length) % suggest.matches.length })
                  return
                }
                if (event.key === 'Enter' || event.key === 'Tab') {
                  event.preventDefault()
                  pick(suggest.matches[suggest.active]!)
                  return
                }
                if (event.key === 'Escape') {
                  event.preventDefault()
                  setSuggest(null)
                  return
                }
              }
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                event.preventDefault()
                void save()
              }
            }}
          />
        </label>
        {suggest && (
          <ul ref={listRef} class="mention-list" id={listId} role="listbox" aria-label="People to mention" data-testid="mention-list">
            {suggest.matches.map((user, index) => (
              <li
                key={user.id}
                id={`${listId}-${index}`}
                role="option"
                aria-selected={index === suggest.active}
                class={index === suggest.active ? 'active' : ''}
                onMouseDown={(event) => {
                  event.preventDefault()
                  pick(user)
                }}
              >
                {user.name} <small class="muted">{user.email.split('@')[0]} · {user.on_shift ? 'on shift' : 'off shift'}</small>
              </li>
            ))}
          </ul>
        )}
      </div>
      {error && (
        <p class="bad" role="alert">
          {error}
        </p>
      )}
      <div class="composer-actions">
        <span />
        <button type="submit" disabled={!text.trim() || saving} data-testid="note-save">
          {saving ? 'Saving…' : 'Add note'}
        </button>
      </div>
    </form>
  )
}
