// Reply templates: name, channel, language, body with {variables}, and whether it moves the talk
// to a private channel.
import { useState } from 'preact/hooks'
import { unknownVariables } from '../../worker/templates/render'
import { del, patch, post } from '../api'
import type { Template } from '../api-types'
import { Failure, Field, FormActions, LoadFailure, useAction, useBrands, useLoad } from './common'

type TemplateFields = Pick<Template, 'name' | 'channel' | 'language' | 'body' | 'moves_to_private'>

const blank: TemplateFields = { name: '', channel: 'any', language: null, body: '', moves_to_private: false }

export function TemplatesTab() {
  const { data, error, missing, reload } = useLoad<{ templates: Template[] }>('/api/admin/templates')
  const brands = useBrands()
  const [editing, setEditing] = useState<string | null>(null)
  const remove = useAction()
  return (
    <>
      <LoadFailure error={error} missing={missing} />
      <Failure error={remove.error} />
      {data && (
        <ul class="template-list" data-testid="admin-templates">
          {data.templates.map((template) => (
            <li key={template.id} class="card">
              {editing === template.id ? (
                <TemplateForm
                  initial={template}
                  title={`Edit ${template.name}`}
                  onCancel={() => setEditing(null)}
                  onSave={(fields) => patch(`/api/admin/templates/${template.id}`, fields)}
                  onDone={() => {
                    setEditing(null)
                    reload()
                  }}
                />
              ) : (
                <>
                  <div class="template-head">
                    <strong>{template.name}</strong>
                    <small class="muted">
                      {template.channel} · {template.language ?? 'any language'}
                      {template.moves_to_private ? ' · moves to private' : ''}
                    </small>
                    <span class="spacer" />
                    <button type="button" class="small" onClick={() => setEditing(template.id)}>
                      Edit
                    </button>
                    <button
                      type="button"
                      class="small danger"
                      onClick={async () => {
                        if (!confirm(`Delete the template “${template.name}”?`)) return
                        if (await remove.run(() => del(`/api/admin/templates/${template.id}`), 'Template deleted.')) reload()
                      }}
                    >
                      Delete
                    </button>
                  </div>
                  <p class="user-text">{template.body}</p>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {!missing && <div class="card">
        <TemplateForm
          initial={blank}
          title="New template"
          onSave={(fields) => post('/api/admin/templates', { ...fields, brand_id: brands.data?.brands[0]?.id })}
          onDone={reload}
          resetAfter
        />
      </div>}
    </>
  )
}

function TemplateForm({
  initial,
  title,
  onSave,
  onDone,
  onCancel,
  resetAfter = false,
}: {
  initial: TemplateFields
  title: string
  onSave: (fields: TemplateFields) => Promise<unknown>
  onDone: () => void
  onCancel?: () => void
  resetAfter?: boolean
}) {
  const [fields, setFields] = useState<TemplateFields>({ name: initial.name, channel: initial.channel, language: initial.language, body: initial.body, moves_to_private: initial.moves_to_private })
  const action = useAction()
  const set = (change: Partial<TemplateFields>) => setFields({ ...fields, ...change })
  const unknown = unknownVariables(fields.body)
  return (
    <form
      class="admin-form grid-form"
      aria-label={title}
      onSubmit={async (event) => {
        event.preventDefault()
        if (await action.run(() => onSave(fields), `Template ${fields.name} saved.`)) {
          if (resetAfter) setFields(blank)
          onDone()
        }
      }}
    >
      <h2 class="full">{title}</h2>
      <Field label="Name">
        <input value={fields.name} required maxLength={100} onInput={(event) => set({ name: event.currentTarget.value })} />
      </Field>
      <Field label="Channel">
        <select value={fields.channel} onChange={(event) => set({ channel: event.currentTarget.value as Template['channel'] })}>
          <option value="any">Public or private</option>
          <option value="public">Public reply</option>
          <option value="private">Private message</option>
        </select>
      </Field>
      <Field label="Language (two letters; empty for all)">
        <input value={fields.language ?? ''} maxLength={2} pattern="[a-z]{2}" onInput={(event) => set({ language: event.currentTarget.value.trim() || null })} />
      </Field>
      <label class="check">
        <input type="checkbox" checked={fields.moves_to_private} onChange={(event) => set({ moves_to_private: event.currentTarget.checked })} />
        Moves the conversation to a private channel
      </label>
      <Field label={<>Text — variables: {'{customer_name}'}, {'{case_number}'}, {'{agent_name}'}, {'{next_staffed_time}'}</>} full>
        <textarea rows={4} value={fields.body} required maxLength={5000} onInput={(event) => set({ body: event.currentTarget.value })} />
      </Field>
      {unknown.length > 0 && <p class="warn full">Unknown variables: {unknown.map((name) => `{${name}}`).join(', ')}</p>}
      <FormActions action={action} submit="Save template" full>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </FormActions>
    </form>
  )
}
