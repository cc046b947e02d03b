// How the rules write their patterns, and how they are matched fast enough (a few µs a text).
//
// A rule writes phrases, one per line, lower case, against normalized text. Every phrase starts
// at the start of a word and ends at the end of one (Latin with accents and Cyrillic count as
// letters, so "päev" and "день" work); a stem that may inflect says so with \p{L}* at its end. A space matches any run of whitespace.
// Placeholders:
//   {W}  one word                 {N}  digits or a number word ("22", "three", "три", "kolm")
//   {NW} a number word only       {O}  an ordinal ("4th", "третий", "4.", "quinto")
// Articles ("a week", "una settimana") are not number words here: too common to lead a phrase.
//
// Matching: a big alternation tried at every character of every text is far too slow, so each
// phrase is compiled on its own (sticky) and indexed, in a character trie, by the words it can
// start with, read off its source (the leading literal, each alternative of a leading group,
// number words and digits for numbers; a stem that ends at a space must be a whole word). Reading
// a text walks its word starts once, walks the trie from each, and later runs only the phrases
// that can start there, exactly there. So a phrase should lead with its telling word: context
// that is too common to index ("the", "to", "в") goes into a lookbehind, e.g. (?<=to )court —
// but never a negation word, which the negation check must see in the match.
import type { Language } from '../types'
import { cardinalSource, cardinalWords, cardinalWordsSource, ordinalSource, ordinalWords } from './numbers'
import { isNegated, type Negation } from './negation'

/** The languages a text is read with: English always (people mix it in), and its own. */
export const readWith: Record<Language | 'other', readonly Language[]> = {
  en: ['en'],
  ru: ['en', 'ru'],
  it: ['en', 'it'],
  et: ['en', 'et'],
  de: ['en', 'de'],
  es: ['en', 'es'],
  other: ['en'],
}

const languageBit: Record<Language, number> = { en: 1, ru: 2, it: 4, et: 8, de: 16, es: 32 }
const readMask: Record<Language | 'other', number> = {
  en: 1,
  ru: 1 | 2,
  it: 1 | 4,
  et: 1 | 8,
  de: 1 | 16,
  es: 1 | 32,
  other: 1,
}

// Letters and digits as the reader (isAlnum below) sees them: Latin with its accents and
// extensions, Cyrillic. The phrases' \p{L} and \p{N} become these classes, so the regexes need
// no Unicode mode (building ~900 Unicode-mode regexes with \p{L} costs hundreds of ms at start).
const letter = 'A-Za-z\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u024f\\u0400-\\u052f\\u1e00-\\u1eff'
const end = `(?![${letter}0-9])`

interface Phrase {
  regex: RegExp
  kind: number
  lang: Language
  /** Which PhraseSet it belongs to. */
  set: number
  source: string
}

/** A rule's phrases, registered once. */
export interface PhraseSet {
  readonly name: string
  readonly index: number
}
let sets = 0

const phrases: Phrase[] = []
// The index, one per set of languages a text is read with: a trie of the stems phrases start with,
// walked from each word start of a text; and the phrases led by any number.
interface Node {
  /** Child nodes by the next character: codes and nodes side by side (few per node). */
  codes: number[] | null
  children: Node[] | null
  /** Phrases whose stem ends here and may go on within the word. */
  prefixIds: number[] | null
  /** Phrases whose stem ends here only where the word ends too. */
  wordIds: number[] | null
}
interface Index {
  root: (Node | undefined)[]
  digitLed: number[]
}
const rootSize = 2048
const indexes = new Map<number, Index>()
for (const mask of new Set(Object.values(readMask))) indexes.set(mask, { root: new Array<Node | undefined>(rootSize), digitLed: [] })
const unindexed: string[] = []
// Per list of number-led phrases: one sticky regex of them all, rebuilt as phrases register.
const gates = new Map<number[], RegExp>()

// ---------------------------------------------------------------------------------------------
// Reading a phrase's possible first words off its (expanded) regex source.

/** A stem the phrase can start with: a whole word, or only the start of one. */
interface LeadStem {
  text: string
  /** 'word': the text's word must end right after it; 'prefix': it may go on; 'open': decided by what follows. */
  ends: 'word' | 'prefix' | 'open'
}

interface Lead {
  stems: LeadStem[]
  digit: boolean
  /** Could start anywhere: no stem to index it by. */
  any: boolean
  nullable: boolean
}

function isLiteralChar(ch: string): boolean {
  const code = ch.charCodeAt(0)
  return code === 39 || code === 45 || isAlnum(code)
}

/** Reads a quantifier at `i`: [whether it allows zero, index after it]. */
function quantifier(src: string, i: number): [boolean, number] {
  const ch = src[i]
  let zero = false
  let j = i
  if (ch === '?' || ch === '*') {
    zero = true
    j++
  } else if (ch === '+') j++
  else if (ch === '{') {
    const close = src.indexOf('}', i)
    if (close > 0 && /^\{\d+(?:,\d*)?\}$/.test(src.slice(i, close + 1))) {
      zero = src[i + 1] === '0'
      j = close + 1
    } else return [false, i]
  } else return [false, i]
  if (src[j] === '?') j++ // lazy
  return [zero, j]
}

function closingParen(src: string, open: number): number {
  let depth = 0
  for (let i = open; i < src.length; i++) {
    const ch = src[i]
    if (ch === '\\') {
      i++
      continue
    }
    if (ch === '[') {
      i = src.indexOf(']', i + 1)
      continue
    }
    if (ch === '(') depth++
    else if (ch === ')' && --depth === 0) return i
  }
  throw new Error(`unbalanced ( in ${src}`)
}

/** Whether the phrase's word surely ends at `j`: a space there that is not optional. */
function wordEndsAt(src: string, j: number): boolean {
  const width = src[j] === ' ' ? 1 : src.startsWith('\\s', j) ? 2 : 0
  if (width === 0) return false
  const [zero] = quantifier(src, j + width)
  return !zero
}

function words(list: readonly string[], digit: boolean): Lead {
  return { stems: list.map((text) => ({ text, ends: 'open' as const })), digit, any: false, nullable: false }
}

let analysing: Language = 'en'
const placeholderLeads = new Map<string, Lead>()

function placeholderLead(name: string): Lead {
  const key = `${analysing}${name}`
  let lead = placeholderLeads.get(key)
  if (!lead) {
    if (name === '{NW}') lead = words(cardinalWords(analysing, false), false)
    else if (name === '{N}') lead = words(cardinalWords(analysing, false), true)
    else if (name === '{O}') lead = words(ordinalWords(analysing), true)
    else lead = { stems: [], digit: false, any: true, nullable: false }
    placeholderLeads.set(key, lead)
  }
  return lead
}

/** The lead of a placeholder at `i` ({N}, {NW}, {O}, {W}), or undefined. */
function placeholder(src: string, i: number): [Lead, number] | undefined {
  for (const name of ['{NW}', '{N}', '{O}', '{W}']) {
    if (!src.startsWith(name, i)) continue
    const [zero, next] = quantifier(src, i + name.length)
    return [{ ...placeholderLead(name), nullable: zero }, next]
  }
  return undefined
}

function element(src: string, i: number): [Lead, number] {
  const ch = src[i] ?? ''
  if (ch === '{') {
    const found = placeholder(src, i)
    if (found) return found
  }
  if (ch === '(') {
    const close = closingParen(src, i)
    if (/^\(\?<?[=!]/.test(src.slice(i, i + 4))) return [{ stems: [], digit: false, any: false, nullable: true }, close + 1]
    const innerStart = src.startsWith('(?:', i) ? i + 3 : i + 1
    const inner = alternation(src.slice(innerStart, close))
    const [zero, next] = quantifier(src, close + 1)
    // A repeated group's words run on into the next repetition.
    const repeats = next > close + 1 && src[close + 1] !== '?'
    const stems = repeats ? inner.stems.map((stem) => (stem.ends === 'open' ? { ...stem, ends: 'prefix' as const } : stem)) : inner.stems
    return [{ ...inner, stems, nullable: inner.nullable || zero }, next]
  }
  if (ch === '[') {
    const close = src.indexOf(']', i + 1)
    const body = src.slice(i + 1, close)
    const [zero, next] = quantifier(src, close + 1)
    const digit = /^(?:\d-\d|\d)+$/.test(body)
    return [{ stems: [], digit, any: !digit, nullable: zero }, next]
  }
  if (ch === '\\') {
    const code = src[i + 1] ?? ''
    let after = i + 2
    if (code === 'p' || code === 'P') after = src.indexOf('}', i) + 1
    const [zero, next] = quantifier(src, after)
    return [{ stems: [], digit: code === 'd', any: code !== 'd', nullable: zero }, next]
  }
  if (isLiteralChar(ch)) {
    // A run of literal characters; a character under a quantifier ends it.
    let j = i
    while (j < src.length && isLiteralChar(src[j] ?? '') && quantifier(src, j + 1)[1] === j + 1) j++
    if (j > i) {
      const ends = j === src.length ? 'open' : wordEndsAt(src, j) ? 'word' : 'prefix'
      return [{ stems: [{ text: src.slice(i, j), ends }], digit: false, any: false, nullable: false }, j]
    }
    const [zero, next] = quantifier(src, i + 1)
    return [{ stems: [{ text: ch, ends: 'prefix' }], digit: false, any: false, nullable: zero }, next]
  }
  // Anything else (a space, punctuation, €) cannot start a word.
  const [zero, next] = quantifier(src, i + 1)
  return [{ stems: [], digit: false, any: true, nullable: zero }, next]
}

function sequence(src: string): Lead {
  const lead: Lead = { stems: [], digit: false, any: false, nullable: true }
  let i = 0
  while (i < src.length && lead.nullable) {
    const [part, next] = element(src, i)
    // Words left open by a group end where the sequence goes on with a space, and stay open at its end.
    const after = next === src.length ? 'open' : wordEndsAt(src, next) ? 'word' : 'prefix'
    for (const stem of part.stems) lead.stems.push(stem.ends === 'open' ? { ...stem, ends: after } : stem)
    lead.digit ||= part.digit
    lead.any ||= part.any
    lead.nullable = part.nullable
    i = next
  }
  return lead
}

function splitTopLevel(src: string): string[] {
  const parts: string[] = []
  let depth = 0
  let last = 0
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]
    if (ch === '\\') i++
    else if (ch === '[') i = src.indexOf(']', i + 1)
    else if (ch === '(') depth++
    else if (ch === ')') depth--
    else if (ch === '|' && depth === 0) {
      parts.push(src.slice(last, i))
      last = i + 1
    }
  }
  parts.push(src.slice(last))
  return parts
}

function alternation(src: string): Lead {
  const lead: Lead = { stems: [], digit: false, any: false, nullable: false }
  for (const part of splitTopLevel(src)) {
    const one = sequence(part)
    lead.stems.push(...one.stems)
    lead.digit ||= one.digit
    lead.any ||= one.any
    lead.nullable ||= one.nullable
  }
  return lead
}

/** The words a phrase (its source, placeholders and all) can start with; exported for the tests. */
export function leadOf(source: string, lang: Language = 'en'): Lead {
  analysing = lang
  const lead = alternation(source)
  // The phrase ends at the end of a word.
  return { ...lead, stems: lead.stems.map((stem) => (stem.ends === 'open' ? { ...stem, ends: 'word' as const } : stem)) }
}

// ---------------------------------------------------------------------------------------------
// Registering phrases.

const placeholders = new Map<Language, [string, string, string]>()

function expand(lang: Language, phrase: string): string {
  if (!phrase.includes('{')) return phrase
  let sources = placeholders.get(lang)
  if (!sources) placeholders.set(lang, (sources = [cardinalWordsSource(lang, false), cardinalSource(lang, false), ordinalSource(lang)]))
  return phrase
    .replaceAll('{W}', `[${letter}0-9'-]+`)
    .replaceAll('{NW}', sources[0])
    .replaceAll('{N}', sources[1])
    .replaceAll('{O}', sources[2])
}

/** A space matches a run of whitespace; an optional space (" ?", " *") any run or none. */
function spaced(source: string): string {
  return source.replace(/ ([?*])?/g, (_, optional: string | undefined) => (optional ? '\\s*' : '\\s+'))
}

/** The phrases of a multi-line source: one per line, blank lines and // comments skipped. */
function lines(source: string): string[] {
  const list: string[] = []
  for (const raw of source.split('\n')) {
    const line = raw.trim()
    if (line !== '' && !line.startsWith('//')) list.push(line)
  }
  return list
}

function newNode(): Node {
  return { codes: null, children: null, prefixIds: null, wordIds: null }
}

function index(lead: LeadStem, bit: number, id: number): void {
  const stem = lead.text
  if (stem.charCodeAt(0) >= rootSize) {
    unindexed.push(stem)
    return
  }
  for (const [mask, { root }] of indexes) {
    if ((mask & bit) === 0) continue
    let node = root[stem.charCodeAt(0)]
    if (!node) root[stem.charCodeAt(0)] = node = newNode()
    for (let i = 1; i < stem.length; i++) {
      const code = stem.charCodeAt(i)
      const codes = (node.codes ??= [])
      const children = (node.children ??= [])
      const at = codes.indexOf(code)
      if (at >= 0) node = children[at] as Node
      else {
        const child = newNode()
        codes.push(code)
        children.push(child)
        node = child
      }
    }
    const list = lead.ends === 'word' ? (node.wordIds ??= []) : (node.prefixIds ??= [])
    if (!list.includes(id)) list.push(id)
  }
}

/**
 * Registers a rule's phrases: `sources[lang][kind]` is a multi-line source of the phrases of that
 * kind in that language. Call at module load. The index is built on the first read (tens of ms
 * of parsing and indexing, once), so importing stays cheap for a Worker's start.
 */
export function perLanguage<T>(
  table: Readonly<Record<Language, T>>,
  pick: (patterns: T) => readonly string[],
): Record<Language, readonly string[]> {
  return { en: pick(table.en), ru: pick(table.ru), it: pick(table.it), et: pick(table.et), de: pick(table.de), es: pick(table.es) }
}

/**
 * Registers a set of phrases (see above). `perLanguage` builds `sources` when every language
 * lists its kinds in the same order.
 */
export function definePhrases(name: string, sources: Record<Language, readonly string[]>): PhraseSet {
  const set = sets++
  pending.push({ name, set, sources })
  return { name, index: set }
}

const pending: { name: string; set: number; sources: Record<Language, readonly string[]> }[] = []

function build(): void {
  for (const { name, set, sources } of pending.splice(0)) register(name, set, sources)
  gates.clear()
}

function register(name: string, set: number, sources: Record<Language, readonly string[]>): void {
  for (const lang of ['en', 'ru', 'it', 'et', 'de', 'es'] as const) {
    sources[lang].forEach((source, kind) => {
      for (const line of lines(source)) {
        const expanded = expand(lang, line).replaceAll('\\p{L}', `[${letter}]`).replaceAll('\\p{N}', '[0-9]')
        const id = phrases.length
        phrases.push({
          regex: new RegExp(`(?:${spaced(expanded)})${end}`, 'y'),
          kind,
          lang,
          set,
          source: line,
        })
        const lead = leadOf(line, lang)
        if (lead.any || lead.nullable) {
          unindexed.push(`${name}/${lang}: ${line}`)
          continue
        }
        if (lead.digit) for (const [mask, { digitLed }] of indexes) if (mask & languageBit[lang]) digitLed.push(id)
        for (const stem of lead.stems) index(stem, languageBit[lang], id)
      }
    })
  }
}

/** Every registered phrase's regex, language and set (for the tests' brute-force comparison). */
export function registeredPhrases(): readonly { regex: RegExp; lang: Language; set: number; source: string }[] {
  if (pending.length > 0) build()
  return phrases
}

/** Phrases the index cannot reach (they would never match); the tests require none. */
export function unindexedPhrases(): readonly string[] {
  if (pending.length > 0) build()
  return unindexed
}

// ---------------------------------------------------------------------------------------------
// Reading a text.

/** A text read once: its normalized form and the phrases that may start at each word. */
export interface Reading {
  readonly text: string
  readonly lang: Language | 'other'
  /** Per phrase set: the phrase ids that may start at a word, each followed by that position. */
  readonly candidates: (number[] | undefined)[]
}

function isAlnum(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7) ||
    (code >= 0x400 && code <= 0x52f) ||
    (code >= 0x1e00 && code <= 0x1eff)
  )
}

function push(candidates: (number[] | undefined)[], list: readonly number[], position: number): void {
  for (let i = 0; i < list.length; i++) {
    const id = list[i] as number
    const set = (phrases[id] as Phrase).set
    const mine = candidates[set]
    if (mine === undefined) candidates[set] = [id, position]
    else mine.push(id, position)
  }
}

function child(node: Node, code: number): Node | undefined {
  const codes = node.codes
  if (codes === null) return undefined
  for (let i = 0; i < codes.length; i++) if (codes[i] === code) return (node.children as Node[])[i]
  return undefined
}

/** Reads `text` (already normalized) for the phrases of English and `lang`. */
export function read(text: string, lang: Language | 'other'): Reading {
  if (pending.length > 0) build()
  const { root, digitLed } = indexes.get(readMask[lang]) as Index
  const candidates: (number[] | undefined)[] = new Array(sets)
  let previousAlnum = false
  for (let p = 0; p < text.length; p++) {
    const code = text.charCodeAt(p)
    const alnum = isAlnum(code)
    const starts = alnum && !previousAlnum
    previousAlnum = alnum
    if (!starts) continue
    if (code <= 57 && code >= 48 && digitLed.length > 0) {
      // Most numbers are times and prices: one try of all number-led phrases at once first.
      let gate = gates.get(digitLed)
      if (gate === undefined) gates.set(digitLed, (gate = new RegExp(digitLed.map((id) => (phrases[id] as Phrase).regex.source).join('|'), 'y')))
      gate.lastIndex = p
      if (gate.test(text)) push(candidates, digitLed, p)
    }
    let node = code < rootSize ? root[code] : undefined
    let q = p
    while (node !== undefined) {
      if (node.prefixIds !== null) push(candidates, node.prefixIds, p)
      const next = text.charCodeAt(++q)
      if (node.wordIds !== null && !isAlnum(next)) push(candidates, node.wordIds, p)
      node = child(node, next)
    }
  }
  return { text, lang, candidates }
}

export interface Hit {
  kind: number
  lang: Language
  match: RegExpExecArray
}

const none: Hit[] = []

/** Every hit of `set`'s phrases in `reading` that `negation` leaves standing, in the order found. */
export function hitsOf(reading: Reading, set: PhraseSet, negation: Negation): Hit[] {
  const mine = reading.candidates[set.index]
  if (mine === undefined) return none
  let hits = none
  const text = reading.text
  for (let i = 0; i < mine.length; i += 2) {
    const phrase = phrases[mine[i] as number] as Phrase
    const position = mine[i + 1] as number
    phrase.regex.lastIndex = position
    const match = phrase.regex.exec(text)
    if (match === null) continue
    if (isNegated(text, position, position + match[0].length, reading.lang, negation)) continue
    if (hits === none) hits = []
    hits.push({ kind: phrase.kind, lang: phrase.lang, match })
  }
  return hits
}

/** The kinds (a bit each) of `set`'s phrases that hit in `reading` and are not negated. */
export function kindsOf(reading: Reading, set: PhraseSet, negation: Negation): number {
  const mine = reading.candidates[set.index]
  if (mine === undefined) return 0
  let kinds = 0
  const text = reading.text
  for (let i = 0; i < mine.length; i += 2) {
    const phrase = phrases[mine[i] as number] as Phrase
    const bit = 1 << phrase.kind
    if ((kinds & bit) !== 0) continue
    const position = mine[i + 1] as number
    const regex = phrase.regex
    regex.lastIndex = position
    if (!regex.test(text)) continue
    if (!isNegated(text, position, regex.lastIndex, reading.lang, negation)) kinds |= bit
  }
  return kinds
}

/** Whether some phrase of `set` (of `kind`, if given) hits in `reading` and is not negated. */
export function anyHit(reading: Reading, set: PhraseSet, negation: Negation, kind = -1): boolean {
  const mine = reading.candidates[set.index]
  if (mine === undefined) return false
  const text = reading.text
  for (let i = 0; i < mine.length; i += 2) {
    const phrase = phrases[mine[i] as number] as Phrase
    if (kind >= 0 && phrase.kind !== kind) continue
    const position = mine[i + 1] as number
    const regex = phrase.regex
    regex.lastIndex = position
    if (!regex.test(text)) continue
    if (!isNegated(text, position, regex.lastIndex, reading.lang, negation)) return true
  }
  return false
}

/**
 * For signals with several kinds (regulator, legal, press…): the strongest kind's points plus
 * `extra` for each further kind, capped, and a reason naming every kind found.
 */
export function combineKinds(
  found: number,
  names: readonly string[],
  points: readonly number[],
  extra: number,
  cap: number,
): { points: number; reason: string } {
  let best = 0
  let count = 0
  const said: string[] = []
  for (let kind = 0; kind < names.length; kind++) {
    if ((found & (1 << kind)) === 0) continue
    count++
    best = Math.max(best, points[kind] ?? 0)
    said.push(names[kind] ?? '')
  }
  return { points: Math.min(cap, best + extra * (count - 1)), reason: said.join(' + ') }
}
