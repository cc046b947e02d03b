// "not cancelling", "no lawyer needed", "не собираюсь расторгать", "non voglio disdire",
// "ei lõpeta lepingut", "nicht kündigen", "no voy a cancelar": a negation word a few words before
// a hit (in the same clause) takes the hit back. German, Russian and Estonian also put it after
// ("ich kündige nicht", "юрист не нужен", "advokaati pole vaja"), and so does English now and then
// ("lawyer not needed").
//
// A clause ends at punctuation, a line break, an emoji, or a word that starts a new clause (I, and,
// but, if, я, и, но, ...): "if you don't fix it I'm cancelling" is a threat, not a negation. So is
// a negation right after "if" ("si no lo arreglan me cambio a Telia"). Small words (the, to, a,
// my, ...) are skipped without counting, so "not going to the regulator" is within reach.
import type { Language } from '../types'

/** How a rule wants negation handled. */
export interface Negation {
  /** How many counted words may stand between the negation and the hit; -1 turns the check off. */
  before: number
  /** Whether a negation right after the hit counts too. */
  after: boolean
}

export const noNegation: Negation = { before: -1, after: false }
/** Only a negation right before the hit ("no outage", "not an emergency"). */
export const adjacentNegation: Negation = { before: 0, after: false }
/** For intent: "not going to cancel", "no voy a cancelar", "ich kündige nicht". */
export const intentNegation: Negation = { before: 2, after: true }

interface Words {
  negations: readonly string[]
  /** Negations that may follow the hit. */
  after: readonly string[]
  clauseStarts: readonly string[]
  conditionals: readonly string[]
  small: readonly string[]
}

const words: Record<Language, Words> = {
  en: {
    negations: [
      'not', 'no', 'never', "don't", 'dont', "won't", 'wont', "didn't", 'didnt', "doesn't", 'doesnt', "isn't", 'isnt',
      "aren't", 'arent', "wasn't", 'wasnt', "needn't", "shouldn't", "wouldn't", 'nor', 'neither',
    ],
    after: ['not'],
    clauseStarts: [
      'i', "i'm", 'im', "i'll", "i've", 'ive', "i'd", 'we', "we're", "we'll", "we've", 'and', 'but', 'so', 'if', 'or',
      'because', 'cause', 'unless', 'otherwise', 'then', 'until',
    ],
    conditionals: ['if', 'unless'],
    small: [
      'the', 'a', 'an', 'to', 'my', 'our', 'your', 'his', 'her', 'their', 'this', 'that', 'it', 'be', 'for', 'of',
      'on', 'with', 'any', 'about', 'ever', 'even', 'really', 'actually', 'just', 'yet', 'up', 'at', 'all',
    ],
  },
  ru: {
    negations: ['не', 'нет', 'ни', 'никогда', 'незачем', 'ненадо', 'никакого', 'никакой', 'никаких', 'никакая'],
    after: ['не'],
    clauseStarts: ['я', 'мы', 'и', 'но', 'а', 'если', 'или', 'то', 'иначе', 'потому', 'тогда'],
    conditionals: ['если'],
    small: [
      'в', 'во', 'на', 'к', 'ко', 'с', 'со', 'за', 'мой', 'моя', 'мое', 'мои', 'свой', 'свою', 'этот', 'эту', 'это',
      'его', 'ее', 'их', 'же', 'даже', 'бы', 'вам', 'вас', 'вы', 'уже', 'еще', 'пока', 'ли', 'вообще', 'никуда',
    ],
  },
  it: {
    negations: ['non', 'mai', 'né', 'nessun', 'nessuno', 'nessuna'],
    after: [],
    clauseStarts: ['e', 'ed', 'ma', 'se', 'o', 'oppure', 'altrimenti', 'perché', 'poi', 'io', 'noi', 'quindi'],
    conditionals: ['se'],
    small: [
      'il', 'lo', 'la', 'i', 'gli', 'le', 'un', 'uno', 'una', "un'", 'di', 'a', 'al', 'alla', 'ai', 'da', 'in', 'mio',
      'mia', 'miei', 'mie', 'ci', 'vi', 'mi', 'ti', 'si', 'ne', 'ancora', 'neanche', 'nemmeno', 'più', 'proprio',
      'affatto', 'per', 'assolutamente',
    ],
  },
  et: {
    negations: ['ei', 'pole', 'polnud', 'mitte', 'ära', 'ärge', 'ärme'],
    after: ['ei', 'pole', 'mitte'],
    clauseStarts: ['ja', 'aga', 'kui', 'või', 'muidu', 'sest', 'siis', 'ma', 'mina', 'me', 'meie'],
    conditionals: ['kui'],
    small: ['ka', 'veel', 'üldse', 'seda', 'oma', 'mu', 'minu', 'teie', 'selle', 'kohe', 'enam', 'küll', 'praegu', 'kindlasti'],
  },
  de: {
    negations: ['nicht', 'nie', 'niemals', 'kein', 'keine', 'keinen', 'keinem', 'keiner', 'keines', 'keinesfalls'],
    after: ['nicht', 'nie', 'niemals', 'keinesfalls'],
    clauseStarts: ['und', 'aber', 'wenn', 'oder', 'sonst', 'weil', 'dann', 'ich', 'wir', 'denn', 'falls'],
    conditionals: ['wenn', 'falls'],
    small: [
      'den', 'die', 'das', 'der', 'dem', 'des', 'ein', 'eine', 'einen', 'einem', 'zu', 'zum', 'zur', 'mein', 'meinen',
      'meine', 'meinem', 'unseren', 'unsere', 'euch', 'es', 'auch', 'jetzt', 'doch', 'mal', 'wirklich', 'gar',
      'überhaupt', 'ja', 'noch', 'bei', 'an', 'beim', 'ans', 'vertrag', 'deshalb',
    ],
  },
  es: {
    negations: ['no', 'nunca', 'ni', 'jamás', 'tampoco', 'ningún', 'ninguna', 'ninguno'],
    after: [],
    clauseStarts: ['y', 'e', 'pero', 'si', 'o', 'sino', 'porque', 'entonces', 'yo', 'nosotros'],
    conditionals: ['si'],
    small: [
      'el', 'la', 'los', 'las', 'un', 'una', 'a', 'al', 'de', 'del', 'mi', 'mis', 'me', 'te', 'se', 'le', 'nada',
      'para', 'que', 'por', 'ahora', 'todavía', 'aún', 'ya',
    ],
  },
}

interface Sets {
  negations: Set<string>
  after: Set<string>
  clauseStarts: Set<string>
  conditionals: Set<string>
  small: Set<string>
}

function sets(langs: readonly Language[]): Sets {
  const pick = (key: keyof Words) => new Set(langs.flatMap((lang) => words[lang][key]))
  return {
    negations: pick('negations'),
    after: pick('after'),
    clauseStarts: pick('clauseStarts'),
    conditionals: pick('conditionals'),
    small: pick('small'),
  }
}

// A text is read with English and its own language, so negations of both count.
const byLanguage: Record<Language | 'other', Sets> = {
  en: sets(['en']),
  ru: sets(['en', 'ru']),
  it: sets(['en', 'it']),
  et: sets(['en', 'et']),
  de: sets(['en', 'de']),
  es: sets(['en', 'es']),
  other: sets(['en']),
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 0xa0 || code === 0x2009 || code === 0x202f
}

/** Letters (Latin with accents, Cyrillic), digits, the apostrophe and the hyphen make words. */
function isWordChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 48 && code <= 57) ||
    code === 39 ||
    code === 45 ||
    (code >= 65 && code <= 90) ||
    (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7) ||
    (code >= 0x370 && code <= 0x52f) ||
    (code >= 0x1e00 && code <= 0x1eff)
  )
}

/** The start of the word that ends just before `index` (after spaces), or -1 at a clause boundary. */
function previousWordStart(text: string, index: number): number {
  let i = index - 1
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--
  if (i < 0 || !isWordChar(text.charCodeAt(i))) return -1
  let j = i
  while (j > 0 && isWordChar(text.charCodeAt(j - 1))) j--
  return j
}

function wordEnd(text: string, from: number): number {
  let i = from
  while (i < text.length && isWordChar(text.charCodeAt(i))) i++
  return i
}

/** Whether one of the two words before the negation at `index` is "if" (the negation is the condition's). */
function afterConditional(text: string, index: number, conditionals: Set<string>): boolean {
  let at = index
  for (let n = 0; n < 2; n++) {
    const start = previousWordStart(text, at)
    if (start < 0) return false
    if (conditionals.has(text.slice(start, wordEnd(text, start)))) return true
    at = start
  }
  return false
}

/**
 * Whether the hit text[start, end) is negated: a negation word within `rule.before` counted words
 * before it in its clause, or (with `rule.after`) right after it. Reads at most a few words.
 */
export function isNegated(text: string, start: number, end: number, lang: Language | 'other', rule: Negation): boolean {
  if (rule.before < 0) return false
  const known = byLanguage[lang]
  let at = start
  let counted = 0
  for (let guard = 0; guard < 8; guard++) {
    const wordStart = previousWordStart(text, at)
    if (wordStart < 0) break
    const word = text.slice(wordStart, wordEnd(text, wordStart))
    if (word.replaceAll('-', '') === '') break
    if (known.negations.has(word)) {
      if (afterConditional(text, wordStart, known.conditionals)) break
      return true
    }
    if (known.clauseStarts.has(word)) break
    if (!known.small.has(word) && ++counted > rule.before) break
    at = wordStart
  }
  if (!rule.after) return false
  let i = end
  while (i < text.length && isSpace(text.charCodeAt(i))) i++
  return known.after.has(text.slice(i, wordEnd(text, i)))
}

/**
 * The next hit of `pattern` in `text` that is not negated, or null. `pattern` is global; reset its
 * lastIndex to 0 before the first call for a text.
 */
export function nextHit(pattern: RegExp, text: string, lang: Language | 'other', rule: Negation): RegExpExecArray | null {
  for (;;) {
    const match = pattern.exec(text)
    if (match === null) return null
    if (match[0].length === 0) {
      pattern.lastIndex++
      continue
    }
    if (!isNegated(text, match.index, match.index + match[0].length, lang, rule)) return match
  }
}
