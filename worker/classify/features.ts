// Tweet normalization and hashed n-gram features for the classifiers in model.ts.
//
// Everything here runs once per mention on the hot path (the pipeline has to classify
// 50,000 texts a second on one core), so the tokenizer is a single hand-written scan that
// writes normalized UTF-16 code units into a reused buffer, and features are hashed straight
// from that buffer: no regexes, no substrings, no allocation per token or per feature.
// Worker-safe: no node: imports.

export interface FeatureSettings {
  /** Size of the hashed feature space; a power of two so a bucket is a mask away. */
  buckets: number
  /** Longest word n-gram (1 = unigrams only). Bigrams see a start and an end marker. */
  wordNgrams: number
  /** Character n-grams of words, with boundary markers; charMax 0 turns them off. */
  charMin: number
  charMax: number
  /** Relative weight of each family before the vector is scaled to unit length. */
  wordWeight: number
  charWeight: number
  /**
   * Character n-grams of @handles, weighted like this (0 = off). A handle is a placeholder in
   * the word sequence, but its spelling tells a care account ("@AWSSupport", "@BTCare") from a friend.
   */
  handleWeight: number
}

/** Token kinds; char n-grams are taken from words only, since a mention or URL placeholder has no spelling to learn from. */
export const Kind = { Word: 0, Mention: 1, Url: 2, Hashtag: 3, Emoji: 4, Emoticon: 5, Punct: 6 } as const
export type Kind = (typeof Kind)[keyof typeof Kind]

/** A tokenized text: normalized code units in `chars`, token i spans [start[i], end[i]). */
export interface Tokens {
  chars: Uint16Array
  start: Int32Array
  end: Int32Array
  kind: Uint8Array
  count: number
  /** The @handles, kept apart from the word sequence: handle i spans [handleStart[i], handleEnd[i]). */
  handleStart: Int32Array
  handleEnd: Int32Array
  handles: number
  /** Code units of `chars` in use. */
  used: number
}

/**
 * Hashed features of one text: `n` bucket indices. All features of one family share one value,
 * so values are kept per family rather than per feature: [0, wordEnd) are word n-grams,
 * [wordEnd, charEnd) character n-grams of words, [charEnd, n) character n-grams of handles.
 * The vector has unit length.
 */
export interface FeatureVector {
  idx: Int32Array
  n: number
  wordEnd: number
  charEnd: number
  wordValue: number
  charValue: number
  handleValue: number
}

export function newTokens(capacity = 512): Tokens {
  return {
    chars: new Uint16Array(capacity * 2),
    start: new Int32Array(capacity),
    end: new Int32Array(capacity),
    kind: new Uint8Array(capacity),
    count: 0,
    handleStart: new Int32Array(capacity),
    handleEnd: new Int32Array(capacity),
    handles: 0,
    used: 0,
  }
}

export function newFeatureVector(capacity = 4096): FeatureVector {
  return { idx: new Int32Array(capacity), n: 0, wordEnd: 0, charEnd: 0, wordValue: 0, charValue: 0, handleValue: 0 }
}

// --- character classes ---------------------------------------------------------------

const APOS = 0x27

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a)
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f
}

/** BMP code points that render as emoji or pictographs (arrows, dingbats, misc symbols, stars). */
function isBmpSymbol(c: number): boolean {
  return (c >= 0x2190 && c <= 0x21ff) || (c >= 0x2300 && c <= 0x23ff) || (c >= 0x25a0 && c <= 0x27bf) || (c >= 0x2b00 && c <= 0x2bff) || c === 0x2764
}

/** Code units that are part of a word: ASCII letters/digits/underscore and letters of other scripts. */
function isWordChar(c: number): boolean {
  if (c < 0x80) return isAsciiAlnum(c)
  // Latin-1 punctuation and symbols, general punctuation, and surrogates (emoji) are not word characters.
  if (c < 0xc0) return c === 0xaa || c === 0xb5 || c === 0xba
  if (c === 0xd7 || c === 0xf7) return false
  if (c >= 0x2000 && c <= 0x2bff) return false
  if (c >= 0x3000 && c <= 0x303f) return false
  if (c >= 0xd800 && c <= 0xdfff) return false
  if (c >= 0xfe00 && c <= 0xfe0f) return false
  if (c >= 0xff00 && c <= 0xff0f) return false
  return true
}

function isUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

// --- emoticons -------------------------------------------------------------------------

// Written forms mapped onto a few canonical tokens, longest first so ":-((" is not read as ":-(".
const emoticonTable: Array<[string, string]> = [
  [":'-(", ":'("], [":'(", ":'("], [':-((', ':('], [':((', ':('], [':-(', ':('], [':(', ':('], ['=(', ':('], [':-[', ':('], [':[', ':('],
  [':-))', ':)'], [':))', ':)'], [':-)', ':)'], [':)', ':)'], ['=)', ':)'], [':-]', ':)'], [':]', ':)'], ['(:', ':)'],
  [':-D', ':D'], [':D', ':D'], ['=D', ':D'], ['xD', ':D'], ['XD', ':D'],
  [';-)', ';)'], [';)', ';)'],
  [':-P', ':P'], [':P', ':P'], [':-p', ':P'], [':p', ':P'],
  [':-/', ':/'], [':/', ':/'], [':-\\', ':/'], [':\\', ':/'], [':-|', ':|'], [':|', ':|'],
  [':-O', ':O'], [':O', ':O'], [':o', ':O'],
  ['</3', '</3'], ['&lt;/3', '</3'], ['<3', '<3'], ['&lt;3', '<3'],
]
const emoticonStarters = new Set(emoticonTable.map(([form]) => form.charCodeAt(0)))

/** The emoticon written at text[i], if it stands on its own; returns [length in text, canonical form]. */
function emoticonAt(text: string, i: number): [number, string] | null {
  for (const [form, canonical] of emoticonTable) {
    if (!text.startsWith(form, i)) continue
    const after = i + form.length
    const next = after < text.length ? text.charCodeAt(after) : 0x20
    // "xDrive" or ":Pizza" are words, not emoticons.
    if (isAsciiAlnum(next)) continue
    return [form.length, canonical]
  }
  return null
}

// --- tokenizer -------------------------------------------------------------------------

function startsWithUrl(lower: string, i: number): boolean {
  return lower.startsWith('http://', i) || lower.startsWith('https://', i) || lower.startsWith('www.', i)
}

function ensureTokens(t: Tokens, chars: number, tokens: number): void {
  if (chars > t.chars.length) {
    const next = new Uint16Array(Math.max(chars, t.chars.length * 2))
    next.set(t.chars)
    t.chars = next
  }
  if (tokens > t.start.length) {
    const size = Math.max(tokens, t.start.length * 2)
    const start = new Int32Array(size)
    const end = new Int32Array(size)
    const kind = new Uint8Array(size)
    const handleStart = new Int32Array(size)
    const handleEnd = new Int32Array(size)
    start.set(t.start)
    end.set(t.end)
    kind.set(t.kind)
    handleStart.set(t.handleStart)
    handleEnd.set(t.handleEnd)
    t.start = start
    t.end = end
    t.kind = kind
    t.handleStart = handleStart
    t.handleEnd = handleEnd
  }
}

/**
 * Tokenizes a tweet into `out`: lower case; @handle → "@user"; URLs → "http"; #HashTag → "#hashtag"
 * plus its words ("hash", "tag"); letters repeated three or more times kept twice ("sooooo" → "soo");
 * digits → "0"; emoji and emoticons kept as tokens; runs of ! and ? kept as one token.
 */
export function tokenize(text: string, out: Tokens): Tokens {
  // Lower-casing natively is far cheaper than per character; camel-case splitting of hashtags
  // needs the original case, which is only trustworthy when lower-casing kept the length.
  const lower = text.toLowerCase()
  const cased = lower.length === text.length ? text : lower
  const n = lower.length
  // Hashtags emit the tag and its words (twice their length), a handle its name and "@user"
  // ("@a" becomes 6 code units): three times the text is always enough.
  ensureTokens(out, n * 3 + 16, n + 8)
  // Plain locals rather than closures over shared state: this loop is the hot path.
  const chars = out.chars
  const start = out.start
  const end = out.end
  const kind = out.kind
  let w = 0
  let count = 0
  let handles = 0

  let i = 0
  while (i < n) {
    const c = lower.charCodeAt(i)
    if (c === 0x20 || isSpace(c)) {
      i++
      continue
    }
    if (isWordChar(c)) {
      // Words first: they are most of every text. Emoticons like "xD" start like one.
      if ((c === 0x78 || c === 0x58) && emoticonStarters.has(text.charCodeAt(i))) {
        const found = emoticonAt(text, i)
        if (found) {
          w = emitString(out, w, count++, Kind.Emoticon, found[1])
          i += found[0]
          continue
        }
      }
      if ((c === 0x68 || c === 0x77) && startsWithUrl(lower, i)) {
        while (i < n && !isSpace(lower.charCodeAt(i))) i++
        w = emitString(out, w, count++, Kind.Url, 'http')
        continue
      }
      const s = w
      while (i < n) {
        const d = lower.charCodeAt(i)
        if (isWordChar(d)) {
          const e = d >= 0x30 && d <= 0x39 ? 0x30 : d
          // Elongation: a third repeat of the same character is dropped ("sooooo" → "soo").
          if (!(w - s >= 2 && chars[w - 1] === e && chars[w - 2] === e)) chars[w++] = e
          i++
        } else if ((d === APOS || d === 0x2019) && i + 1 < n && isWordChar(lower.charCodeAt(i + 1))) {
          // don't, it's: the apostrophe belongs to the word, typographic or not.
          chars[w++] = APOS
          i++
        } else break
      }
      start[count] = s
      end[count] = w
      kind[count++] = Kind.Word
      continue
    }
    // Mentions and URLs are placeholders in the word sequence: who and where vary, that there is one does not.
    if (c === 0x40 && i + 1 < n && isWordChar(lower.charCodeAt(i + 1))) {
      i++
      out.handleStart[handles] = w
      while (i < n) {
        const d = lower.charCodeAt(i)
        if (!isWordChar(d)) break
        chars[w++] = d >= 0x30 && d <= 0x39 ? 0x30 : d
        i++
      }
      out.handleEnd[handles++] = w
      w = emitString(out, w, count++, Kind.Mention, '@user')
      continue
    }
    if (c === 0x23 && i + 1 < n && isWordChar(lower.charCodeAt(i + 1))) {
      const from = i + 1
      let to = from
      while (to < n && isWordChar(lower.charCodeAt(to))) to++
      let s = w
      chars[w++] = 0x23
      for (let k = from; k < to; k++) {
        const d = lower.charCodeAt(k)
        const e = d >= 0x30 && d <= 0x39 ? 0x30 : d
        if (!(w - s >= 2 && chars[w - 1] === e && chars[w - 2] === e)) chars[w++] = e
      }
      start[count] = s
      end[count] = w
      kind[count++] = Kind.Hashtag
      // The words of the tag, split at lower→Upper and letter↔digit changes and underscores.
      s = w
      for (let k = from; k < to; k++) {
        const oc = cased.charCodeAt(k)
        const d = lower.charCodeAt(k)
        if (k > from) {
          const prev = cased.charCodeAt(k - 1)
          if (d === 0x5f || (isUpper(oc) && !isUpper(prev)) || isDigit(d) !== isDigit(prev)) {
            if (w > s) {
              start[count] = s
              end[count] = w
              kind[count++] = Kind.Word
            }
            s = w
          }
        }
        if (d === 0x5f) continue
        const e = isDigit(d) ? 0x30 : d
        if (!(w - s >= 2 && chars[w - 1] === e && chars[w - 2] === e)) chars[w++] = e
      }
      if (w > s) {
        start[count] = s
        end[count] = w
        kind[count++] = Kind.Word
      }
      i = to
      continue
    }
    if (emoticonStarters.has(c)) {
      const found = emoticonAt(text, i)
      if (found) {
        w = emitString(out, w, count++, Kind.Emoticon, found[1])
        i += found[0]
        continue
      }
    }
    if (c === 0x21 || c === 0x3f) {
      // A run of ! and ? says how loud, not in which order: "?", "??", "!", "!!", "?!".
      let bangs = 0
      let questions = 0
      for (; i < n; i++) {
        const d = lower.charCodeAt(i)
        if (d === 0x21) bangs++
        else if (d === 0x3f) questions++
        else break
      }
      const s = w
      if (bangs > 0 && questions > 0) {
        chars[w++] = 0x3f
        chars[w++] = 0x21
      } else {
        chars[w++] = c
        if (bangs + questions > 1) chars[w++] = c
      }
      start[count] = s
      end[count] = w
      kind[count++] = Kind.Punct
      continue
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const lo = lower.charCodeAt(i + 1)
      const cp = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000
      i += 2
      // Skin tones modify the emoji before them; keeping them would split one emoji into two.
      if (cp >= 0x1f3fb && cp <= 0x1f3ff) continue
      if (cp >= 0x1f000) {
        start[count] = w
        chars[w++] = c
        chars[w++] = lo
        end[count] = w
        kind[count++] = Kind.Emoji
      }
      continue
    }
    if (isBmpSymbol(c)) {
      start[count] = w
      chars[w++] = c
      end[count] = w
      kind[count++] = Kind.Emoji
      i++
      continue
    }
    // Entities left in by the platforms' HTML escaping ("&amp;") are punctuation, not words.
    if (c === 0x26) {
      const semi = lower.indexOf(';', i)
      i = semi > i && semi - i <= 6 ? semi + 1 : i + 1
      continue
    }
    i++
  }
  out.count = count
  out.handles = handles
  out.used = w
  return out
}

/** Appends a token spelled `s` as token number `index`; returns the new write position. */
function emitString(out: Tokens, w: number, index: number, kind: Kind, s: string): number {
  out.start[index] = w
  for (let k = 0; k < s.length; k++) out.chars[w++] = s.charCodeAt(k)
  out.end[index] = w
  out.kind[index] = kind
  return w
}

/** The normalized tokens of a text as strings, for tests and debugging (allocates). */
export function tokenStrings(text: string): string[] {
  const t = tokenize(text, newTokens())
  const result: string[] = []
  for (let k = 0; k < t.count; k++) result.push(String.fromCharCode(...t.chars.subarray(t.start[k]!, t.end[k]!)))
  return result
}

// --- hashing ---------------------------------------------------------------------------

// Hashes stay signed 32-bit integers throughout: V8 keeps those unboxed, unlike uint32 above 2^31.
const FNV_OFFSET = 0x811c9dc5 | 0
const FNV_PRIME = 0x01000193
// Distinct seeds per feature family, so that the word "ok" and the character bigram "ok" differ.
const SEED_WORD = 0x2f6b1a53
const SEED_CHAR = 0x5bd1e995
const SEED_NGRAM = 0x1b873593
const SEED_HANDLE = 0x68e31da4
const BOUNDARY_START = 0x02
const BOUNDARY_END = 0x03
const TOKEN_START = 0x6a09e667
const TOKEN_END = 0x3c6ef372

/** murmur3's finalizer: FNV-1a's low bits are weak, and buckets are the low bits. */
function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

function fnv(chars: Uint16Array, from: number, to: number): number {
  let h = FNV_OFFSET
  for (let k = from; k < to; k++) h = Math.imul(h ^ chars[k]!, FNV_PRIME)
  return h
}

// Scratch space reused between calls: token hashes and one word framed by boundary markers.
let tokenHashes = new Int32Array(512)
let framed = new Uint16Array(512)

/** Character n-grams of chars[start, end) framed by boundary markers, written from idx[n]; returns the new n. */
function charGrams(chars: Uint16Array, start: number, end: number, seed: number, s: FeatureSettings, idx: Int32Array, n: number): number {
  const mask = s.buckets - 1
  const len = end - start + 2
  if (framed.length < len) framed = new Uint16Array(len * 2)
  framed[0] = BOUNDARY_START
  for (let k = start; k < end; k++) framed[k - start + 1] = chars[k]!
  framed[len - 1] = BOUNDARY_END
  const basis = FNV_OFFSET ^ seed
  const { charMin, charMax } = s
  for (let a = 0; a + charMin <= len; a++) {
    let h = basis
    let b = a
    // The first charMin-1 characters only start the hash; every character after that ends an n-gram.
    for (const first = a + charMin - 1; b < first; b++) h = Math.imul(h ^ framed[b]!, FNV_PRIME)
    for (const last = a + charMax < len ? a + charMax : len; b < last; b++) {
      h = Math.imul(h ^ framed[b]!, FNV_PRIME)
      idx[n++] = fmix(h) & mask
    }
  }
  return n
}

/** Features of already tokenized text; see `extract`. */
export function featuresOf(t: Tokens, s: FeatureSettings, out: FeatureVector): FeatureVector {
  const mask = s.buckets - 1
  const chars = t.chars
  const count = t.count
  // One capacity check up front instead of one per feature.
  const span = s.charMax >= s.charMin ? s.charMax - s.charMin + 1 : 0
  const bound = s.wordNgrams * (count + 1) + (t.used + 2 * (count + t.handles)) * span + 16
  if (out.idx.length < bound) out.idx = new Int32Array(bound * 2)
  const idx = out.idx
  if (tokenHashes.length < count) tokenHashes = new Int32Array(count * 2)
  let n = 0
  for (let k = 0; k < count; k++) {
    const h = fnv(chars, t.start[k]!, t.end[k]!)
    tokenHashes[k] = h
    idx[n++] = fmix(h ^ SEED_WORD) & mask
  }
  // Word n-grams over the token sequence framed by start and end markers.
  for (let order = 2; order <= s.wordNgrams; order++) {
    for (let k = -1; k + order - 1 <= count; k++) {
      let h = SEED_NGRAM + order
      for (let j = k; j < k + order; j++) {
        const th = j < 0 ? TOKEN_START : j >= count ? TOKEN_END : tokenHashes[j]!
        h = (Math.imul(h ^ th, FNV_PRIME) + 0x9e3779b9) | 0
      }
      idx[n++] = fmix(h) & mask
    }
  }
  const wordEnd = n
  if (span > 0 && s.charWeight > 0) {
    for (let k = 0; k < count; k++) {
      if (t.kind[k] === Kind.Word) n = charGrams(chars, t.start[k]!, t.end[k]!, SEED_CHAR, s, idx, n)
    }
  }
  const charEnd = n
  if (span > 0 && s.handleWeight > 0) {
    for (let k = 0; k < t.handles; k++) n = charGrams(chars, t.handleStart[k]!, t.handleEnd[k]!, SEED_HANDLE, s, idx, n)
  }
  // Unit length, so that long tweets do not get more confident just for being long.
  const norm2 = wordEnd * s.wordWeight ** 2 + (charEnd - wordEnd) * s.charWeight ** 2 + (n - charEnd) * s.handleWeight ** 2
  const inv = norm2 > 0 ? 1 / Math.sqrt(norm2) : 0
  out.n = n
  out.wordEnd = wordEnd
  out.charEnd = charEnd
  out.wordValue = s.wordWeight * inv
  out.charValue = s.charWeight * inv
  out.handleValue = s.handleWeight * inv
  return out
}

/** The value of feature i of a vector. */
export function valueAt(fv: FeatureVector, i: number): number {
  return i < fv.wordEnd ? fv.wordValue : i < fv.charEnd ? fv.charValue : fv.handleValue
}

const sharedTokens = newTokens()
let tokenized: string | null = null

/**
 * Hashed features of a text into `out` (reused: its previous contents are overwritten). The
 * tokens of the last text are kept, so that the complaint and sentiment models, called one after
 * the other on the same mention, tokenize it once.
 */
export function extract(text: string, s: FeatureSettings, out: FeatureVector): FeatureVector {
  if (text !== tokenized) {
    tokenize(text, sharedTokens)
    tokenized = text
  }
  return featuresOf(sharedTokens, s, out)
}
