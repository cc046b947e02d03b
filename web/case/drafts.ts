// What someone was writing on a case, kept while they look at other cases (and across a reload
// of the tab), so Escape back to the inbox never throws a reply away.
export interface Draft {
  channel: 'public' | 'private'
  text: string
  promiseOn: boolean
  promiseText: string
  promiseDue: string
  note: string
}

export const emptyDraft: Draft = { channel: 'public', text: '', promiseOn: false, promiseText: '', promiseDue: '', note: '' }

const key = (caseId: string) => `earshot.draft.${caseId}`

export function readDraft(caseId: string): Draft {
  try {
    const stored = sessionStorage.getItem(key(caseId))
    return stored ? { ...emptyDraft, ...(JSON.parse(stored) as Partial<Draft>) } : emptyDraft
  } catch {
    return emptyDraft
  }
}

export function saveDraft(caseId: string, draft: Draft) {
  try {
    const empty = !draft.text && !draft.note && !draft.promiseText
    if (empty) sessionStorage.removeItem(key(caseId))
    else sessionStorage.setItem(key(caseId), JSON.stringify(draft))
  } catch {
    // Storage full or refused: the draft lives only as long as the page.
  }
}
