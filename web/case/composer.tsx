// The reply composer: public reply or private message, the platform's length limit, templates
// with their variables filled in, "move to private", an optional dated promise, and tone
// warnings as the agent types. Sending queues the reply in the outbox.
import type { Ref } from 'preact'
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { renderTemplate } from '../../worker/templates/render'
import { toneWarnings } from '../../worker/cases/tone'
import { describe, get, post, query } from '../api'
import type { CaseSummary, Me, ReplyCreated, Template } from '../api-types'
import { platformName } from '../text'
import { isoToLocal, localToIso } from '../time'
import { toast } from '../toast'
import type { Draft } from './drafts'
import type { TypingState } from './presence'

export const platformLimits: Record<string, number> = { x: 280, bluesky: 300, mastodon: 500, demo: 500 }

const segmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null

/** Characters as a person counts them (emoji and accented letters are one each). */
export function lengthOf(text: string): number {
  if (!segmenter) return [...text].length
  let count = 0
  for (const _ of segmenter.segment(text)) count += 1
  return count
}

let templateCache: { brand: string; templates: Template[] } | null = null

function useTemplates(brandId: string): { templates: Template[]; error: string | null } {
  const [templates, setTemplates] = useState<Template[]>(templateCache?.brand === brandId ? templateCache.templates : [])
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    get<{ templates: Template[] }>(`/api/templates${query({ brand: brandId })}`).then(
      (answer) => {
        templateCache = { brand: brandId, templates: answer.templates }
        setTemplates(answer.templates)
        setError(null)
      },
      (caught: unknown) => setError(describe(caught)),
    )
  }, [brandId])
  return { templates, error }
}

export interface ComposerProps {
  item: CaseSummary
  me: Me
  /** When the team is next on shift, as the customer reads it; null when nobody ever is. */
  nextStaffedTime: string | null
  draft: Draft
  onDraft: (change: Partial<Draft>) => void
  textRef: Ref<HTMLTextAreaElement>
  typing: { current: TypingState }
  onSent: () => void
}

export function Composer({ item, me, nextStaffedTime, draft, onDraft, textRef, typing, onSent }: ComposerProps) {
  const { templates, error: templateError } = useTemplates(item.brand_id)
  const [missing, setMissing] = useState<string[]>([])
  const [sending, setSending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [sent, setSent] = useState<string | null>(null)
  const templateSelect = useRef<HTMLSelectElement>(null)

  const platform = item.customer.platform ?? 'demo'
  const limit = draft.channel === 'public' ? (platformLimits[platform] ?? 500) : null
  const length = lengthOf(draft.text)
  const over = limit !== null && length > limit
  const warnings = useMemo(() => toneWarnings(draft.text, item.language), [draft.text, item.language])

  // The case's language (and language-neutral ones) first; the rest for replying in another.
  const forChannel = templates.filter((template) => template.channel === 'any' || template.channel === draft.channel)
  const fitting = forChannel.filter((template) => template.language === null || template.language === item.language)
  const others = forChannel.filter((template) => template.language !== null && template.language !== item.language)
  const movesToPrivate =
    templates.find((template) => template.moves_to_private && template.language === item.language) ??
    templates.find((template) => template.moves_to_private && template.language === null) ??
    templates.find((template) => template.moves_to_private)

  const insert = (template: Template) => {
    const rendered = renderTemplate(template.body, {
      customer_name: item.customer.name ?? (item.customer.handle ? `@${item.customer.handle.replace(/^@/, '')}` : null),
      case_number: item.id,
      agent_name: me.name,
      next_staffed_time: nextStaffedTime,
    })
    const text = draft.text.trim() ? `${draft.text.trimEnd()}\n\n${rendered.text}` : rendered.text
    onDraft({ text, ...(template.moves_to_private ? { channel: 'public' as const } : {}) })
    setMissing(rendered.missing)
    setSent(null)
    typing.current.lastChange = Date.now()
    const area = (textRef as { current: HTMLTextAreaElement | null }).current
    area?.focus()
  }

  const promiseReady = !draft.promiseOn || (draft.promiseText.trim() !== '' && localToIso(draft.promiseDue) !== null)
  const canSend = draft.text.trim() !== '' && !over && promiseReady && !sending

  const send = async () => {
    if (!canSend) return
    setSending(true)
    setError(null)
    try {
      const dueAt = draft.promiseOn ? localToIso(draft.promiseDue) : null
      const answer = await post<ReplyCreated>(`/api/cases/${item.id}/replies`, {
        channel: draft.channel,
        body: draft.text.trim(),
        ...(draft.promiseOn && dueAt ? { promise: { text: draft.promiseText.trim(), due_at: dueAt } } : {}),
      })
      const what = draft.channel === 'public' ? 'Public reply' : 'Private message'
      setSent(`${what} queued${answer?.promiseId ? ' with its promise' : ''}.`)
      toast(`${what} queued.`, 'ok')
      onDraft({ text: '', promiseOn: false, promiseText: '', promiseDue: '' })
      setMissing([])
      onSent()
    } catch (caught) {
      setError(describe(caught))
    } finally {
      setSending(false)
    }
  }

  return (
    <form
      class="composer card"
      aria-labelledby="composer-title"
      data-testid="composer"
      onSubmit={(event) => {
        event.preventDefault()
        void send()
      }}
    >
      <div class="composer-head">
        <h2 id="composer-title">Reply</h2>
        <fieldset class="channel" data-testid="composer-channel">
          <legend class="visually-hidden">Send as</legend>
          <label>
            <input type="radio" name="channel" value="public" checked={draft.channel === 'public'} onChange={() => onDraft({ channel: 'public' })} data-testid="channel-public" />
            Public reply
          </label>
          <label>
            <input type="radio" name="channel" value="private" checked={draft.channel === 'private'} onChange={() => onDraft({ channel: 'private' })} data-testid="channel-private" />
            Private message
          </label>
        </fieldset>
      </div>
      <div class="composer-tools">
        <label class="inline">
          <span>Template</span>
          <select
            ref={templateSelect}
            data-testid="template-select"
            value=""
            disabled={forChannel.length === 0}
            onChange={(event) => {
              const chosen = templates.find((template) => template.id === event.currentTarget.value)
              event.currentTarget.value = ''
              if (chosen) insert(chosen)
            }}
          >
            <option value="">{forChannel.length === 0 ? (templateError ? 'Templates unavailable' : 'No templates') : 'Insert a template…'}</option>
            {fitting.map((template) => (
              <option key={template.id} value={template.id}>
                {template.name}
                {template.language ? ` (${template.language})` : ''}
              </option>
            ))}
            {others.length > 0 && (
              <optgroup label="Other languages">
                {others.map((template) => (
                  <option key={template.id} value={template.id}>
                    {template.name} ({template.language})
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <button type="button" class="small" disabled={!movesToPrivate} data-testid="move-to-private" onClick={() => movesToPrivate && insert(movesToPrivate)} title={movesToPrivate ? movesToPrivate.name : 'No template moves the talk to a private channel yet'}>
          Move to private
        </button>
      </div>
      <label class="stack">
        <span>
          {draft.channel === 'public' ? `Public reply on ${platformName(platform)}` : `Private message on ${platformName(platform)}`}
        </span>
        <textarea
          ref={textRef}
          rows={5}
          value={draft.text}
          data-testid="composer-text"
          aria-describedby="composer-counter composer-warnings"
          onInput={(event) => {
            onDraft({ text: event.currentTarget.value })
            typing.current.lastChange = Date.now()
            setSent(null)
          }}
          onFocus={() => {
            typing.current.focused = true
          }}
          onBlur={() => {
            typing.current.focused = false
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault()
              void send()
            }
          }}
        />
      </label>
      <div class="composer-meta">
        <span id="composer-counter" class={`counter${over ? ' bad' : limit !== null && length > limit - 20 ? ' warn' : ''}`} data-testid="composer-counter">
          {limit !== null ? `${length} / ${limit}` : `${length} characters`}
          {over && ` — ${length - limit!} too long for ${platformName(platform)}`}
        </span>
        {missing.length > 0 && (
          <span class="warn" data-testid="template-missing">
            Fill in by hand: {missing.map((name) => `{${name}}`).join(', ')}
          </span>
        )}
      </div>
      <div id="composer-warnings" aria-live="polite">
        {warnings.length > 0 && (
          <ul class="tone-warnings" data-testid="tone-warnings" aria-label="Wording to reconsider">
            {warnings.map((warning, index) => (
              <li key={`${warning.phrase}:${index}`} data-testid="tone-warning">
                “{warning.phrase}” {warning.why}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div class="promise-box">
        <label class="check">
          <input
            type="checkbox"
            checked={draft.promiseOn}
            data-testid="promise-toggle"
            onChange={(event) => {
              const on = event.currentTarget.checked
              onDraft({ promiseOn: on, ...(on && !draft.promiseDue ? { promiseDue: isoToLocal(new Date(Date.now() + 2 * 3600_000)) } : {}) })
            }}
          />
          This reply makes a promise
        </label>
        {draft.promiseOn && (
          <div class="promise-fields">
            <label class="stack">
              <span>What we promise</span>
              <input type="text" value={draft.promiseText} maxLength={1000} placeholder="e.g. a technician calls you" data-testid="promise-text" required onInput={(event) => onDraft({ promiseText: event.currentTarget.value })} />
            </label>
            <label class="stack">
              <span>Due</span>
              <input type="datetime-local" value={draft.promiseDue} min={isoToLocal(new Date())} data-testid="promise-due" required onInput={(event) => onDraft({ promiseDue: event.currentTarget.value })} />
            </label>
          </div>
        )}
      </div>
      {error && (
        <p class="bad" role="alert" data-testid="composer-error">
          {error}
        </p>
      )}
      <div class="composer-actions">
        <span class="ok" data-testid="send-status" aria-live="polite">
          {sent}
        </span>
        <button type="submit" class="primary" disabled={!canSend} data-testid="send">
          {sending ? 'Sending…' : draft.channel === 'public' ? 'Send reply' : 'Send message'}
        </button>
      </div>
    </form>
  )
}
