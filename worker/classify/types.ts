// The shapes every part of classification speaks; classify.ts puts the parts together.

/** The languages Earshot has rules and lexicons for; anything else is classified as 'other'. */
export const languages = ['en', 'ru', 'et', 'de', 'it', 'es'] as const
export type Language = (typeof languages)[number]

/** What Earshot knows about a customer's earlier contacts when a new mention arrives. */
export interface CustomerHistory {
  /** Their earlier mentions to this brand (all platforms), not counting this one. */
  earlierMentions: number
  /** Hours since their first mention on the currently open case, if one is open. */
  openCaseAgeHours: number | null
  /** Promises made to them that passed their due time unkept. */
  brokenPromises: number
}

export const noHistory: CustomerHistory = { earlierMentions: 0, openCaseAgeHours: null, brokenPromises: 0 }

/** One reason a mention is urgent: the signal, the points it adds, and a short phrase for the inbox chip. */
export interface UrgencyReason {
  signal:
    | 'outage'
    | 'repeat_contact'
    | 'broken_promise'
    | 'regulator'
    | 'churn'
    | 'vulnerability'
    | 'money'
    | 'support_failure'
    | 'reach'
    | 'negative_sentiment'
  points: number
  /** e.g. "down 3 days", "regulator", "4th contact", "promise missed". */
  reason: string
}

export interface UrgencyInput {
  text: string
  language: Language | 'other'
  /** In [-1, 1]. */
  sentiment: number
  followers: number | null
  engagement: { reposts?: number; replies?: number; likes?: number; quotes?: number }
  history: CustomerHistory
}

export type Priority = 1 | 2 | 3 | 4
