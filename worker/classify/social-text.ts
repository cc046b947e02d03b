// Normalization shared by the classifiers for short social posts: @handles and links dropped,
// #hashtags split into words (#NoInternetAgain → no internet again), elongations collapsed
// ("sooooo" → "soo", flagged, since stretching a word intensifies it), emoji and emoticons turned
// into sentiment tokens, and words lower-cased with their apostrophes kept (so "don't" and
// "isn't" stay negations). One pass over the text; no regular expression runs per token.

/** Script classes of a UTF-16 code unit, as returned by `isLetterCode`. */
export const LETTER_NONE = 0
export const LETTER_LATIN = 1
export const LETTER_CYRILLIC = 2
/** A letter of another script below U+0600 (Greek, Armenian, Hebrew, IPA). */
export const LETTER_OTHER = 3

// Built once: the class of every code unit below U+0600.
const letterTable = (() => {
  const table = new Uint8Array(0x600)
  const letter = /\p{L}/u
  for (let c = 0; c < 0x600; c++) {
    if (!letter.test(String.fromCharCode(c))) continue
    table[c] = c < 0x250 ? LETTER_LATIN : c >= 0x400 && c < 0x530 ? LETTER_CYRILLIC : LETTER_OTHER
  }
  return table
})()

const CASE_UPPER = 1
const CASE_LOWER = 2
// Built once: whether each code unit below U+0600 is a capital or a small letter.
const caseTable = (() => {
  const table = new Uint8Array(0x600)
  for (let c = 0; c < 0x600; c++) {
    if (letterTable[c] === LETTER_NONE) continue
    const ch = String.fromCharCode(c)
    table[c] = ch.toLowerCase() !== ch ? CASE_UPPER : ch.toUpperCase() !== ch ? CASE_LOWER : 0
  }
  return table
})()

const curlyApostrophes = /[\u2019`]/g

/** LETTER_LATIN, LETTER_CYRILLIC or LETTER_OTHER for a letter below U+0600, else LETTER_NONE. */
export function isLetterCode(c: number): number {
  return c < 0x600 ? letterTable[c]! : LETTER_NONE
}

/** Flags of a token (bits). */
export const TOKEN_ELONGATED = 1
/** The token came from a hashtag. */
export const TOKEN_HASHTAG = 2
/** Written in capitals in a post that is not all capitals ("this is NOT ok"). */
export const TOKEN_CAPS = 4
/** An emoji or emoticon, turned into a sentiment token such as 'emo-3'. */
export const TOKEN_EMOTIVE = 8
/** The first token after a clause boundary (. , ; : ! ? … or a line break). */
export const TOKEN_CLAUSE_START = 16

export interface SocialText {
  /** Lower-cased words (apostrophes normalised to '), and sentiment tokens 'emo+1' … 'emo-3'. */
  tokens: string[]
  /** TOKEN_* bits, one entry per token. */
  flags: number[]
  exclamations: number
  questions: number
  handles: number
  links: number
  hashtags: number
}

// Sentiment tokens and their valence, on AFINN's scale (-5 … +5).
const emotiveValence: ReadonlyMap<string, number> = new Map([
  ['emo+1', 1],
  ['emo+2', 2],
  ['emo+3', 3],
  ['emo-1', -1],
  ['emo-2', -2],
  ['emo-3', -3],
])

/** The valence of a sentiment token ('emo-2' → -2), or undefined for any other token. */
export function emotiveTokenValence(token: string): number | undefined {
  return token.charCodeAt(0) === 101 /* e */ ? emotiveValence.get(token) : undefined
}

const emoTokens = ['emo-3', 'emo-2', 'emo-1', '', 'emo+1', 'emo+2', 'emo+3'] as const
function emoToken(valence: number): string {
  return emoTokens[valence + 3]!
}

// Emoji → valence. Hand-rated for customer-care posts (😂 is often mockery there, so only +1).
const emojiValence: ReadonlyMap<number, number> = new Map(
  (
    [
      ['😀', 2], ['😃', 2], ['😄', 2], ['😁', 2], ['😆', 2], ['😅', 1], ['😂', 1], ['🤣', 1], ['🙂', 1], ['😊', 2],
      ['😇', 2], ['🥰', 3], ['😍', 3], ['🤩', 3], ['😘', 2], ['😗', 1], ['☺', 2], ['😚', 2], ['😙', 2], ['😋', 2],
      ['😛', 1], ['😜', 1], ['😝', 1], ['🤗', 2], ['😎', 1], ['🥳', 3], ['😌', 1], ['🥹', 2], ['😺', 2], ['😸', 2],
      ['😻', 3], ['👍', 2], ['👏', 2], ['🙌', 2], ['👌', 2], ['💪', 1], ['🙏', 1], ['❤', 3], ['♥', 2], ['💕', 3],
      ['💖', 3], ['💗', 3], ['💓', 3], ['💞', 3], ['💚', 2], ['💙', 2], ['💜', 2], ['🧡', 2], ['💛', 2], ['🤍', 2],
      ['💯', 2], ['✨', 1], ['🎉', 2], ['🎊', 2], ['🌟', 1], ['⭐', 1], ['✅', 1], ['✔', 1], ['🆗', 1], ['🥇', 2],
      ['😞', -2], ['😔', -2], ['😟', -2], ['😕', -1], ['🙁', -2], ['☹', -2], ['😣', -2], ['😖', -2], ['😫', -2],
      ['😩', -2], ['🥺', -1], ['😢', -2], ['😭', -2], ['😤', -2], ['😠', -3], ['😡', -3], ['🤬', -3], ['🤯', -2],
      ['😱', -2], ['😨', -2], ['😰', -2], ['😥', -1], ['😓', -1], ['😐', -1], ['😑', -1], ['🙄', -2], ['😒', -2],
      ['😬', -1], ['😷', -1], ['🤢', -2], ['🤮', -3], ['😵', -2], ['💀', -1], ['☠', -2], ['💩', -2], ['👎', -2],
      ['🖕', -3], ['💔', -2], ['😾', -2], ['😿', -2], ['🤦', -2], ['🤷', -1], ['⚠', -1], ['❌', -1], ['🚫', -1],
      ['😪', -1], ['🥱', -1], ['🤡', -2], ['😳', -1],
    ] as const
  ).map(([emoji, valence]) => [emoji.codePointAt(0)!, valence]),
)

// Emoticons → valence, longest first so that ":-)" wins over ":-".
const emoticons: readonly (readonly [string, number])[] = (
  [
    [":'-(", -2], [':-)', 2], [':-]', 2], [':-D', 2], [';-)', 2], [':-P', 1], [':-p', 1], [':o)', 2], ['^_^', 2],
    [':-(', -2], [':-[', -2], [":'(", -2], [':-/', -1], [':-|', -1], ['>:(', -3], ['</3', -2],
    [':)', 2], [':]', 2], ['=)', 2], [':D', 2], ['=D', 2], [';)', 2], [':P', 1], [':p', 1], ['<3', 3], ['^^', 2],
    [':(', -2], [':[', -2], ['=(', -2], [';(', -2], [':/', -1], [':\\', -1], [':|', -1], [':@', -3],
  ] as const
)
  .slice()
  .sort((a, b) => b[0].length - a[0].length)
const emoticonStarts = new Set(emoticons.map(([e]) => e.charCodeAt(0)))

/**
 * Splits `text` into normalized tokens. Handles and links are counted and dropped, hashtags are
 * split into their words, emoji and emoticons become 'emo±N' tokens, and each token carries
 * TOKEN_* flags.
 */
export function normalizeSocialText(text: string): SocialText {
  const tokens: string[] = []
  const flags: number[] = []
  let exclamations = 0
  let questions = 0
  let handles = 0
  let links = 0
  let hashtags = 0
  let capsWords = 0
  let casedWords = 0
  let clauseStart = 0 // TOKEN_CLAUSE_START while a boundary waits for its next token
  let parenDepth = 0
  const length = text.length

  const push = (token: string, flag: number) => {
    tokens.push(token)
    flags.push(flag | clauseStart)
    clauseStart = 0
  }

  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i)

    if ((c === 104 || c === 72 || c === 119 || c === 87) && (i === 0 || isSpaceOrOpen(text.charCodeAt(i - 1))) && isLinkStart(text, i)) {
      links++
      while (i + 1 < length && !isSpace(text.charCodeAt(i + 1))) i++
      continue
    }

    if (isWordCode(c)) {
      // A word: letters, digits and combining marks, with apostrophes between letters kept. Its
      // capitals and stretched letters are counted on the way, so that only words that need it
      // are lower-cased or collapsed.
      let end = i
      let apostrophe = false
      let curly = false
      let capitals = 0
      let smalls = 0
      let run = 0
      let previous = -1
      let stretched = false
      while (end < length) {
        const d = text.charCodeAt(end)
        if (isWordCode(d)) {
          const letterCase = d < 0x600 ? caseTable[d]! : 0
          if (letterCase === CASE_UPPER) capitals++
          else if (letterCase === CASE_LOWER) smalls++
          run = d === previous ? run + 1 : 1
          if (run === 3 && letterCase !== 0) stretched = true
          previous = d
          end++
        } else if ((d === 39 || d === 0x2019 || d === 96) && end + 1 < length && isLetterLike(text.charCodeAt(end + 1))) {
          apostrophe = true
          if (d !== 39) curly = true
          previous = -1
          end++
        } else break
      }
      let raw = text.slice(i, end)
      if (curly) raw = raw.replace(curlyApostrophes, "'")
      i = end - 1
      if (raw === 'xD' || raw === 'XD' || raw === 'xd' || raw === 'xDD' || raw === 'XDD') {
        push('emo+2', TOKEN_EMOTIVE)
        continue
      }
      let flag = 0
      if (capitals + smalls > 0) casedWords++
      if (capitals >= 2 && smalls === 0) {
        capsWords++
        flag |= TOKEN_CAPS
      }
      let word = capitals > 0 ? raw.toLowerCase() : raw
      if (stretched) {
        // Stretched capitals ("NOOOO") were counted before lower-casing; compare on the result.
        const collapsed = collapseElongation(word)
        if (collapsed !== word) flag |= TOKEN_ELONGATED
        word = collapsed
      }
      // Elision (l'assistenza, dell'aiuto, c'è): split; English contractions (don't, it's) stay whole.
      if (apostrophe) {
        const cut = word.indexOf("'")
        if (cut > 0 && !isEnglishContraction(word, cut)) {
          push(word.slice(0, cut), flag)
          word = word.slice(cut + 1)
        }
      }
      push(word, flag)
      continue
    }

    if (c === 32 || c === 9 || c === 0xa0) continue
    if (c === 10 || c === 13) {
      if (tokens.length) clauseStart = TOKEN_CLAUSE_START
      continue
    }

    if (c === 64 /* @ */ && (i === 0 || isSpaceOrOpen(text.charCodeAt(i - 1))) && i + 1 < length && isHandleCode(text.charCodeAt(i + 1))) {
      handles++
      while (i + 1 < length && (isHandleCode(text.charCodeAt(i + 1)) || text.charCodeAt(i + 1) === 64)) i++
      // A handle's trailing full stop is punctuation, not part of it.
      if (text.charCodeAt(i) === 46) i--
      continue
    }
    if (c === 35 /* # */ && i + 1 < length && isWordCode(text.charCodeAt(i + 1))) {
      let end = i + 1
      while (end < length && (isWordCode(text.charCodeAt(end)) || text.charCodeAt(end) === 95)) end++
      hashtags++
      for (const part of splitHashtag(text.slice(i + 1, end))) {
        const word = collapseElongation(part)
        push(word, TOKEN_HASHTAG | (word !== part ? TOKEN_ELONGATED : 0))
      }
      i = end - 1
      continue
    }

    // Emoticons stand after a space or a word ("thanks:)"), never after a digit ("10:30").
    if (emoticonStarts.has(c) && (i === 0 || !isDigit(text.charCodeAt(i - 1)))) {
      const matched = matchEmoticon(text, i)
      if (matched) {
        push(emoToken(matched[1]), TOKEN_EMOTIVE)
        i += matched[0].length - 1
        continue
      }
    }

    // Parentheses: "(((" frowns and an unopened ")" or "))" smiles, as Russian posts use them.
    if (c === 40 /* ( */ || c === 41 /* ) */) {
      const start = i
      let end = i + 1
      while (end < length && text.charCodeAt(end) === c) end++
      const run = end - i
      i = end - 1
      if (c === 40) {
        if (run >= 2) push('emo-2', TOKEN_EMOTIVE)
        else parenDepth++
      } else if (parenDepth > 0) {
        parenDepth = Math.max(0, parenDepth - run)
      } else if (run >= 2 || start === 0 || !isDigit(text.charCodeAt(start - 1))) {
        // Not "1)" in a numbered list.
        push(run >= 3 ? 'emo+2' : 'emo+1', TOKEN_EMOTIVE)
      }
      continue
    }

    if (c >= 0xd800 && c < 0xdc00 && i + 1 < length) {
      const cp = text.codePointAt(i)!
      i++
      const valence = emojiValence.get(cp)
      if (valence !== undefined) push(emoToken(valence), TOKEN_EMOTIVE)
      continue
    }
    if (c >= 0x2190 && c < 0x2c00) {
      const valence = emojiValence.get(c)
      if (valence !== undefined) push(emoToken(valence), TOKEN_EMOTIVE)
      continue
    }

    if (c === 33 /* ! */ || c === 0xff01) exclamations++
    else if (c === 63 /* ? */ || c === 0xff1f) questions++
    if (isClauseBoundary(c) && tokens.length) clauseStart = TOKEN_CLAUSE_START
  }

  // In a post written all in capitals, capitals mean nothing.
  if (capsWords > 0 && capsWords === casedWords) {
    for (let k = 0; k < flags.length; k++) flags[k] = flags[k]! & ~TOKEN_CAPS
  }
  return { tokens, flags, exclamations, questions, handles, links, hashtags }
}

/**
 * Runs of three or more of the same letter become two: "sooooo" → "soo", "goooood" → "good".
 * Returns the word itself when nothing was stretched.
 */
export function collapseElongation(word: string): string {
  let run = 1
  let stretched = false
  for (let i = 1; i < word.length; i++) {
    if (word.charCodeAt(i) === word.charCodeAt(i - 1)) {
      if (++run === 3 && isLetterLike(word.charCodeAt(i))) {
        stretched = true
        break
      }
    } else run = 1
  }
  if (!stretched) return word
  let out = ''
  run = 0
  for (let i = 0; i < word.length; i++) {
    run = i > 0 && word.charCodeAt(i) === word.charCodeAt(i - 1) ? run + 1 : 1
    if (run <= 2 || !isLetterLike(word.charCodeAt(i))) out += word[i]
  }
  return out
}

/** Doubled letters become one ("soo" → "so", "baad" → "bad"): a second guess after collapseElongation. */
export function squeezeDoubles(word: string): string {
  let out = ''
  for (let i = 0; i < word.length; i++) if (i === 0 || word.charCodeAt(i) !== word.charCodeAt(i - 1)) out += word[i]
  return out
}

/**
 * The lower-cased words of a hashtag's text (without '#'): split at camel case, at letter/digit
 * changes and at underscores. "NoInternetAgain" → ["no", "internet", "again"], "WiFi6" → ["wi",
 * "fi", "6"]; a run of capitals ends before the capital that starts the next word ("EPICFail" →
 * ["epic", "fail"]). A hashtag in one case ("#worstserviceever") stays one word.
 */
export function splitHashtag(tag: string): string[] {
  const parts: string[] = []
  for (const segment of tag.split('_')) {
    let start = 0
    for (let i = 1; i < segment.length; i++) {
      const prev = charCase(segment, i - 1)
      const here = charCase(segment, i)
      const cut =
        (prev === DIGIT) !== (here === DIGIT) ||
        (prev === SMALL && here === CAPITAL) ||
        (prev === CAPITAL && here === CAPITAL && i + 1 < segment.length && charCase(segment, i + 1) === SMALL)
      if (cut) {
        parts.push(segment.slice(start, i).toLowerCase())
        start = i
      }
    }
    if (start < segment.length) parts.push(segment.slice(start).toLowerCase())
  }
  return parts
}

const DIGIT = 1
const CAPITAL = 2
const SMALL = 3
const UNCASED = 4
function charCase(s: string, i: number): number {
  const c = s.charCodeAt(i)
  if (c >= 48 && c <= 57) return DIGIT
  const ch = s[i]!
  if (ch.toLowerCase() !== ch) return CAPITAL
  return ch.toUpperCase() !== ch ? SMALL : UNCASED
}

function matchEmoticon(text: string, i: number): readonly [string, number] | null {
  for (const emoticon of emoticons) {
    if (!text.startsWith(emoticon[0], i)) continue
    const after = i + emoticon[0].length
    if (after < text.length) {
      const d = text.charCodeAt(after)
      // ":)" must stand alone: not "x:/path", not ":Dave"; ":))" and ":)!" are fine.
      if (isWordCode(d)) return null
    }
    return emoticon
  }
  return null
}

function isEnglishContraction(word: string, cut: number): boolean {
  const tail = word.slice(cut + 1)
  return tail === 't' || tail === 's' || tail === 're' || tail === 've' || tail === 'll' || tail === 'd' || tail === 'm'
}

// Built once: which code units below U+0600 belong in a word (letters, digits, combining marks).
const wordTable = (() => {
  const table = new Uint8Array(0x600)
  for (let c = 0; c < 0x600; c++) {
    table[c] = letterTable[c] !== LETTER_NONE || (c >= 48 && c <= 57) || (c >= 0x300 && c < 0x370) ? 1 : 0
  }
  return table
})()

function isWordCode(c: number): boolean {
  if (c < 0x600) return wordTable[c] === 1
  // Scripts above U+0600 without emoji, punctuation or symbols.
  return (c >= 0x600 && c < 0x2000) || (c >= 0x3040 && c < 0xd800) || (c >= 0xf900 && c < 0xfe00)
}

function isLetterLike(c: number): boolean {
  return c >= 0x80 ? isWordCode(c) && !(c >= 0x300 && c < 0x370) : (c >= 97 && c <= 122) || (c >= 65 && c <= 90)
}

function isHandleCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 0xa0
}

function isSpaceOrOpen(c: number): boolean {
  return isSpace(c) || c === 40 || c === 34 || c === 0xab || c === 0x201c || c === 0x201e
}

function isLinkStart(s: string, i: number): boolean {
  const lower = s.slice(i, i + 8).toLowerCase()
  return lower.startsWith('http://') || lower.startsWith('https://') || lower.startsWith('www.')
}

function isClauseBoundary(c: number): boolean {
  return (
    c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 0x2026 || c === 0x2014 || c === 0x2013 ||
    c === 0xff01 || c === 0xff1f
  )
}
