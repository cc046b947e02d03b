import { complaintProbability, complaintModelVersion } from './complaint'
import { englishSentiment, sentimentModelVersion } from './english-sentiment'
import { detectLanguage } from './language'
import { lexiconSentiment } from './lexicon-sentiment'
import { mentionKind, type MentionKind } from './spam'
import { noHistory, type CustomerHistory, type Language, type Priority, type UrgencyReason } from './types'
import { assessUrgency } from './urgency/index'

export interface ClassifyContext {
  /** The platform's own language tag; it wins over detection when it names a language we know. */
  languageHint?: string | null
  followers?: number | null
  engagement?: { reposts?: number; replies?: number; likes?: number; quotes?: number }
  history?: CustomerHistory
  authorHandle?: string | null
  brandHandles?: readonly string[]
  /** When the post was written; durations like "since Monday" count from here. */
  postedAt?: Date
}

export interface Classification {
  language: Language | 'other'
  kind: MentionKind
  sentiment: number
  sentimentLabel: 'negative' | 'neutral' | 'positive'
  complaint: boolean
  complaintProbability: number
  urgency: number
  priority: Priority
  reasons: UrgencyReason[]
  modelVersion: string
}

// Above this a mention counts as a complaint; the models are calibrated on balanced loss, so the
// even split is the honest cut.
const complaintThreshold = 0.5

// Signals that describe something wrong with the service, as opposed to who is speaking.
const situational = new Set<UrgencyReason['signal']>(['outage', 'broken_promise', 'regulator', 'churn', 'money', 'support_failure'])

/** Names every model that shaped a classification, so re-classifying knows what is stale. */
export const modelVersion = `${complaintModelVersion}+${sentimentModelVersion}+rules-1`

/**
 * Everything Earshot concludes about one post, from its text and what is known around it. Pure:
 * no I/O, the same answer for the same input, cheap enough to run on every mention in a Worker.
 */
export function classify(text: string, context: ClassifyContext = {}): Classification {
  const language = detectLanguage(text, context.languageHint)
  const kind = mentionKind(text, { authorHandle: context.authorHandle, brandHandles: context.brandHandles })
  // The trained English model reads tweets far better than a lexicon; other languages have the lexicon.
  const sentiment = language === 'en' ? englishSentiment(text) : lexiconSentiment(text, language)
  const probability = kind === 'customer' ? complaintProbability(text) : 0
  const urgency =
    kind === 'customer'
      ? assessUrgency(
          {
            text,
            language,
            sentiment: sentiment.score,
            followers: context.followers ?? null,
            engagement: context.engagement ?? {},
            history: context.history ?? noHistory,
          },
          context.postedAt,
        )
      : { score: 0, priority: 4 as const, reasons: [] }
  return {
    language,
    kind,
    sentiment: sentiment.score,
    sentimentLabel: sentiment.label,
    // The model reads the words; the rules read the situation. "No internet for 3 days, I'm going
    // to the regulator" is a complaint whatever the model was trained on.
    complaint: probability >= complaintThreshold || (sentiment.score <= 0 && urgency.reasons.some((reason) => situational.has(reason.signal))),
    complaintProbability: probability,
    urgency: urgency.score,
    priority: urgency.priority,
    reasons: urgency.reasons,
    modelVersion,
  }
}
