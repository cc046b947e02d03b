// The terms of a complaint, for the dashboard's top terms and the term spikes: words and
// two-word phrases, lower-cased, without links, handles, numbers, emoji and stop words.
// Deterministic and dependency-free, since the rollups store what it returns and must be
// rebuilt to exactly the same rows.
import { stopWordsFor } from './stopwords'

/** Shorter words are mostly particles and fragments in every language Earshot reads. */
export const minTermLength = 3
/** Longer "words" are glued-together hashtags, URLs' remains or keyboard mashing. */
export const maxWordLength = 40

// Links and handles go before words are found: their parts ("https", "bsky", "social") are no terms.
const links = /\b(?:https?:\/\/|www\.)\S+/giu
// X and Bluesky handles (@name, @name.bsky.social) and Mastodon's @name@server.example.
const handles = /@[\p{L}\p{N}_.-]+(?:@[\p{L}\p{N}_.-]+)?/gu
// A word is letters (with their combining marks), hyphenated parts kept together ("wi-fi");
// anything else between words (digits, emoji, punctuation, '#') ends the phrase.
const wordsAndBreaks = /[\p{L}\p{M}]+(?:-[\p{L}\p{M}]+)*|[^\s\p{L}\p{M}]+/gu
const word = /^[\p{L}\p{M}]/u

function fold(text: string): string {
  // NFKC turns full-width and styled letters (𝐬𝐮𝐩𝐩𝐨𝐫𝐭) into plain ones; ё is written as е just as often.
  return text.normalize('NFKC').toLowerCase().replaceAll('ё', 'е')
}

/**
 * The distinct terms of one text, in order of first appearance: each kept word, and each pair of
 * kept words that stand next to each other with nothing but spaces between them ("no internet
 * since monday" → "internet", "monday"; "billing error" → "billing", "error", "billing error").
 * `language` is the mention's ('en', 'ru', …); null or any other value uses every list's stop words.
 */
export function termsOf(text: string, language: string | null): string[] {
  const stopWords = stopWordsFor(language)
  const terms = new Set<string>()
  const cleaned = fold(text).replace(links, ' | ').replace(handles, ' | ')
  let previous: string | null = null
  for (const [token] of cleaned.matchAll(wordsAndBreaks)) {
    const kept = word.test(token) && isKept(token, stopWords)
    if (!kept) {
      previous = null
      continue
    }
    terms.add(token)
    if (previous !== null) terms.add(`${previous} ${token}`)
    previous = token
  }
  return [...terms]
}

function isKept(token: string, stopWords: ReadonlySet<string>): boolean {
  const length = [...token].length
  return length >= minTermLength && length <= maxWordLength && !stopWords.has(token)
}

/** How many of the texts contain each term: a complaint counts once for a term however often it repeats it. */
export function countTerms(texts: Iterable<{ text: string; language: string | null }>): Map<string, number> {
  const counts = new Map<string, number>()
  for (const { text, language } of texts) {
    for (const term of termsOf(text, language)) counts.set(term, (counts.get(term) ?? 0) + 1)
  }
  return counts
}

/**
 * How many terms a brand keeps per day and language: its most frequent ones. A busy day's
 * complaints hold tens of thousands of distinct words and pairs, most in one complaint each; the
 * dashboard's top terms over a period come from terms that are frequent on some of its days.
 */
export const termsKeptPerDay = 100

/** The `termsKeptPerDay` most frequent terms, the most frequent first, ties by term. */
export function keptTerms(counts: Map<string, number>): [string, number][] {
  return [...counts]
    .sort(([termA, countA], [termB, countB]) => countB - countA || (termA < termB ? -1 : termA > termB ? 1 : 0))
    .slice(0, termsKeptPerDay)
}
