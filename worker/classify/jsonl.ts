import { z } from 'zod'
import { describeIssues } from '../sources/mention'
import { classify } from './classify'

const inputLine = z.object({
  id: z.union([z.string(), z.number()]),
  text: z.string().max(100_000),
  lang: z.string().max(35).nullish(),
})

function idOf(value: unknown): string | number | null {
  if (value && typeof value === 'object' && 'id' in value && (typeof value.id === 'string' || typeof value.id === 'number')) {
    return value.id
  }
  return null
}

/** Classifies one input line of the JSONL interface; a bad line answers with an error line for its id. */
export function classifyLine(line: string): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch {
    return JSON.stringify({ id: null, error: 'not valid JSON' })
  }
  const input = inputLine.safeParse(parsed)
  if (!input.success) return JSON.stringify({ id: idOf(parsed), error: describeIssues(input.error) })
  const { id, text, lang } = input.data
  const result = classify(text, { languageHint: lang })
  return JSON.stringify({
    id,
    language: result.language,
    sentiment: Number(result.sentiment.toFixed(4)),
    sentiment_label: result.sentimentLabel,
    complaint: result.complaint,
    complaint_probability: Number(result.complaintProbability.toFixed(4)),
    urgency: result.urgency,
    priority: `P${result.priority}`,
    reasons: result.reasons.map((reason) => reason.reason),
  })
}

