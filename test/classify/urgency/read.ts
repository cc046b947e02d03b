// Test helper: a text read the way assessUrgency reads it (normalized once, then indexed).
import type { CustomerHistory, Language } from '../../../worker/classify/types'
import { read, type Reading } from '../../../worker/classify/urgency/phrases'
import { normalize } from '../../../worker/classify/urgency/text'

export function reading(text: string, lang: Language | 'other'): Reading {
  return read(normalize(text), lang)
}

export const firstContact: CustomerHistory = { earlierMentions: 0, openCaseAgeHours: null, brokenPromises: 0 }

/** Wednesday 12 March 2025, 15:00 UTC: "since Monday" is 63 hours before it. */
export const wednesday = new Date('2025-03-12T15:00:00Z')
