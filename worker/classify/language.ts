// Which language a short, noisy social post is written in, as one of Earshot's languages or 'other'.
//
// Order of evidence: the platform's own language hint when it names one of our languages; then
// the script (mostly Cyrillic → Russian; Ukrainian or Belarusian letters → other); for posts of a
// few words, a short list of words that make up one-word posts ("aitäh", "tere", "kiitos"); then
// an n-gram model. The n-gram model is ELD's (Efficient Language Detector, © 2023 Nito T.M.,
// Apache-2.0, npm `eld`): its scoring loop ported below, and the rows of its 'extrasmall' table
// that score our languages plus Finnish and Latvian as decoys (so posts in those are 'other', not
// Estonian), in lexicons/language-ngrams.json. lexicons/README.md says why the package itself is
// not bundled (its smallest table is ~288 KB gzip and cannot be cut down through its public API in
// a bundle), compares it with franc-min and tinyld, and gives the recipe for the table.

import { languages, type Language } from './types'
import { isLetterCode, LETTER_CYRILLIC, LETTER_LATIN, LETTER_NONE, LETTER_OTHER } from './social-text'
import ngramData from './lexicons/language-ngrams.json' with { type: 'json' }

export type DetectedLanguage = Language | 'other'

const ourLanguages: ReadonlySet<string> = new Set(languages)

/**
 * The language of `text`. A `hint` from the platform (BCP 47, e.g. 'et', 'en-GB', 'RU') wins when
 * it names one of our languages; any other hint ('und', 'fi', 'qme') is ignored and the text decides.
 * Text with no letters (empty, emoji only, a bare link) is 'other'.
 */
export function detectLanguage(text: string, hint?: string | null): DetectedLanguage {
  const hinted = languageFromHint(hint)
  if (hinted) return hinted
  return detectFromText(text)
}

/** The primary subtag of a BCP 47 tag when it is one of our languages ('en-US' → 'en'), else null. */
export function languageFromHint(hint: string | null | undefined): Language | null {
  if (!hint) return null
  let end = hint.length
  for (let i = 0; i < hint.length; i++) {
    const c = hint.charCodeAt(i)
    if (c === 45 /* - */ || c === 95 /* _ */) {
      end = i
      break
    }
  }
  if (end !== 2) return null
  const primary = hint.slice(0, 2).toLowerCase()
  return ourLanguages.has(primary) ? (primary as Language) : null
}

// ---------------------------------------------------------------------------------------------
// The n-gram model (a port of ELD 2.1's detect(); see the header).

// ELD maps each UTF-8 byte to a character (its dictionary, eld/src/dictionary.js, travels with the
// table) and looks n-grams of those characters up by string. Here each such character gets a small
// number, so that an n-gram of up to 6 characters packs exactly into a double (8 bits each) and is
// looked up in an open-addressing table, without building a string per n-gram.
const byteChars = (ngramData as { byteChars: string }).byteChars

/** ELD adds this to every stored score (it was subtracted to keep the table small). */
const baseNgramScore = 53

interface NgramModel {
  codes: readonly string[]
  /** Byte value → character number (1 … 128). */
  byteId: Uint8Array
  space: number
  /** Open addressing: slot → packed n-gram (0 = empty) and slot → entry. */
  keys: Float64Array
  entries: Int32Array
  mask: number
  /** Entry i's (language, score) pairs are pairs[offsets[i] .. offsets[i + 1]). */
  offsets: Int32Array
  pairs: Int16Array
}

let model: NgramModel | null = null

// Built on first use, so that importing this module costs nothing at Worker start.
function loadModel(): NgramModel {
  const data = ngramData as { languages: string[]; grams: string; scores: string }
  const charId = new Map<string, number>()
  const byteId = new Uint8Array(256)
  const chars = Array.from(byteChars)
  for (let b = 0; b < 256; b++) {
    const ch = chars[b]!
    let id = charId.get(ch)
    if (id === undefined) charId.set(ch, (id = charId.size + 1))
    byteId[b] = id
  }
  const grams = data.grams.split('\n')
  const rows = data.scores.split(';')
  let slots = 1
  while (slots < grams.length * 2) slots <<= 1
  const keys = new Float64Array(slots)
  const entries = new Int32Array(slots)
  const offsets = new Int32Array(grams.length + 1)
  let total = 0
  for (const row of rows) total += (row.length + 1) >> 1 // an upper bound on the numbers in it
  const pairs = new Int16Array(total)
  let n = 0
  for (let i = 0; i < grams.length; i++) {
    let key = 0
    for (const ch of grams[i]!) key = key * 256 + charId.get(ch)!
    let slot = hashKey(key) & (slots - 1)
    while (keys[slot] !== 0) slot = (slot + 1) & (slots - 1)
    keys[slot] = key
    entries[slot] = i
    offsets[i] = n
    const row = rows[i]!
    let value = 0
    for (let j = 0; j <= row.length; j++) {
      const c = j < row.length ? row.charCodeAt(j) : 44
      if (c === 44 /* , */) {
        pairs[n++] = value
        value = 0
      } else {
        value = value * 10 + (c - 48)
      }
    }
  }
  offsets[grams.length] = n
  return { codes: data.languages, byteId, space: charId.get(' ')!, keys, entries, mask: slots - 1, offsets, pairs }
}

function hashKey(key: number): number {
  const lo = key % 0x100000000
  const hi = (key - lo) / 0x100000000
  let h = Math.imul(lo | 0, 0x9e3779b1) ^ Math.imul(hi | 0, 0x85ebca6b)
  h ^= h >>> 15
  return h >>> 0
}

/** Letters looked at, at most: a post's first ~300 letters decide its language. */
const maxLetters = 300

// Scratch state reused across calls (JavaScript runs one call at a time): the text's words as
// character numbers, a score per language, and per n-gram the number of the call that last
// counted it, so that each counts once per text, as in ELD.
// At most 2 numbers a letter, 3 an apostrophe (one per letter at most) and 1 a word end.
const ids = new Uint8Array(6 * maxLetters + 8)
let scores = new Float64Array(0)
let countedIn = new Int32Array(0)
let call = 0

function detectFromText(text: string): DetectedLanguage {
  const m = (model ??= loadModel())
  // One pass: skip @handles and links, count letters per script, and spell the words in ELD's
  // byte characters into `ids`, a 0 after each word.
  const lower = text.toLowerCase()
  const byteId = m.byteId
  let n = 0
  let inWord = false
  let latin = 0
  let cyrillic = 0
  let foreign = 0
  let ukrainianOrBelarusian = 0
  let atTokenStart = true
  const length = lower.length
  for (let i = 0; i < length; i++) {
    const c = lower.charCodeAt(i)
    if (atTokenStart && (c === 64 /* @ */ || ((c === 104 || c === 119) && isLinkStart(lower, i)))) {
      while (i + 1 < length && !isSpace(lower.charCodeAt(i + 1))) i++
      continue
    }
    const kind = c < 0x600 ? isLetterCode(c) : c >= 0x3040 && c < 0xd800 ? LETTER_OTHER : LETTER_NONE
    if (kind === LETTER_NONE) {
      // An apostrophe between two letters stays in the word ("don't", "l'assistenza"), as in ELD.
      if ((c === 39 || c === 96 || c === 0x2019) && inWord && i + 1 < length && isLetterCode(lower.charCodeAt(i + 1)) !== LETTER_NONE) {
        if (c === 0x2019) {
          ids[n++] = byteId[0xe2]!
          ids[n++] = byteId[0x80]!
          ids[n++] = byteId[0x99]!
        } else ids[n++] = byteId[c]!
      } else {
        if (inWord) ids[n++] = 0
        inWord = false
        atTokenStart = isSpace(c)
      }
      continue
    }
    atTokenStart = false
    if (kind === LETTER_LATIN) latin++
    else if (kind === LETTER_CYRILLIC) {
      cyrillic++
      // і ї є ґ ў: Ukrainian and Belarusian letters that Russian does not use.
      if (c === 0x456 || c === 0x457 || c === 0x454 || c === 0x491 || c === 0x45e) ukrainianOrBelarusian++
    } else {
      foreign++
      if (c >= 0x600) {
        // Letters outside the model's scripts (CJK, …) only count.
        if (inWord) ids[n++] = 0
        inWord = false
        continue
      }
    }
    inWord = true
    if (c < 0x80) ids[n++] = byteId[c]!
    else {
      ids[n++] = byteId[0xc0 | (c >> 6)]!
      ids[n++] = byteId[0x80 | (c & 0x3f)]!
    }
    if (latin + cyrillic + foreign >= maxLetters) break
  }
  if (inWord) ids[n++] = 0

  const letters = latin + cyrillic
  if (letters === 0 || foreign > letters) return 'other'
  if (cyrillic >= latin) return ukrainianOrBelarusian >= 2 ? 'other' : 'ru'
  if (letters <= shortTextLetters) {
    const known = knownShortWords(lower)
    if (known) return known
  }
  const detected = scoreNgrams(m, n)
  // Finnish has no õ and hardly any ü; Estonian has both.
  if (detected === 'fi' && (lower.includes('õ') || lower.includes('ü'))) return 'et'
  return ourLanguages.has(detected) ? (detected as Language) : 'other'
}

/** Texts of at most this many letters are first checked against `shortWords`. */
const shortTextLetters = 24

// Words that make up many one- or two-word posts, which n-grams cannot place ("aitäh", "tere",
// "hello"), with their language; 'other' for the neighbours' ("kiitos", "paldies", "merci").
const shortWords: ReadonlyMap<string, DetectedLanguage> = new Map(
  Object.entries({
    en: 'thanks thank thx hello hi hey help yes please sorry great awesome wow fixed nice cool love why what when still down again broken omg lol wtf finally good bad',
    et: 'aitäh aitüma tänan tänud tere tervist jälle miks millal palun jah katki töötab appi hea halb jube kohutav lõpuks suurepärane',
    de: 'danke hallo bitte warum wann schon wieder kaputt toll gut schlecht endlich ja nein geht nicht',
    it: 'grazie ciao buongiorno perché quando ancora aiuto bene male sì basta vergogna finalmente niente guasto pessimo',
    es: 'gracias hola buenas ayuda cuándo todavía otra vez bien mal sí genial fatal nada favor vergüenza',
    other: 'kiitos moi hei miksi paldies sveiki merci bonjour salut obrigado obrigada olá',
  }).flatMap(([language, words]) => words.split(' ').map((word) => [word, language as DetectedLanguage] as const)),
)

function knownShortWords(lower: string): DetectedLanguage | null {
  let found: DetectedLanguage | null = null
  let start = -1
  for (let i = 0; i <= lower.length; i++) {
    const letter = i < lower.length && isLetterCode(lower.charCodeAt(i)) !== LETTER_NONE
    if (letter) {
      if (start < 0) start = i
      continue
    }
    if (start < 0) continue
    const language = shortWords.get(lower.slice(start, i))
    start = -1
    if (language === undefined) continue
    if (found !== null && found !== language) return null
    found = language
  }
  return found
}

/** The best of the model's languages, 'fi' and 'lv' included (they are decoys, told apart by the caller). */
function scoreNgrams(m: NgramModel, n: number): string {
  if (scores.length !== m.codes.length) scores = new Float64Array(m.codes.length)
  if (countedIn.length !== m.offsets.length) countedIn = new Int32Array(m.offsets.length)
  scores.fill(0)
  call = call === 0x7fffffff ? 1 : call + 1
  const space = m.space
  let start = 0
  while (start < n) {
    let end = start
    while (ids[end] !== 0) end++
    // ELD's n-grams of a word: 4 byte-characters with a stride of 3, a leading space on the first
    // and a trailing space on the last. (Words past 70 bytes are cut there.)
    const len = end - start > 70 ? 70 : end - start
    let j = 0
    for (; j + 4 < len; j += 3) {
      const p = start + j
      let key = j === 0 ? space : 0
      key = (((key * 256 + ids[p]!) * 256 + ids[p + 1]!) * 256 + ids[p + 2]!) * 256 + ids[p + 3]!
      countNgram(m, key)
    }
    let key = j === 0 ? space : 0
    for (let p = start + (len !== 3 ? Math.max(0, len - 4) : 0); p < start + len; p++) key = key * 256 + ids[p]!
    countNgram(m, key * 256 + space)
    start = end + 1
  }
  let best = -1
  let bestScore = 0
  for (let k = 0; k < scores.length; k++) {
    if (scores[k]! > bestScore) {
      bestScore = scores[k]!
      best = k
    }
  }
  if (best < 0) return 'other'
  const code = m.codes[best]!
  return ourLanguages.has(code) || code === 'fi' || code === 'lv' ? code : 'other'
}

function countNgram(m: NgramModel, key: number): void {
  let slot = hashKey(key) & m.mask
  for (;;) {
    const k = m.keys[slot]!
    if (k === key) break
    if (k === 0) return
    slot = (slot + 1) & m.mask
  }
  const i = m.entries[slot]!
  if (countedIn[i] === call) return
  countedIn[i] = call
  for (let p = m.offsets[i]!; p < m.offsets[i + 1]!; p += 2) scores[m.pairs[p]!]! += m.pairs[p + 1]! + baseNgramScore
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 0xa0
}

function isLinkStart(s: string, i: number): boolean {
  return s.startsWith('http://', i) || s.startsWith('https://', i) || s.startsWith('www.', i)
}
