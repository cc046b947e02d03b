// Lexicon sentiment for short social posts in Earshot's languages: a score in [-1, 1] and a label.
//
// The vocabularies are natural's (npm natural@8): AFINN-165 for English, its Spanish AFINN, and
// its Pattern lexicons for German and Italian, each extended by a hand-written list of
// customer-care words; Russian and Estonian, which natural has no lexicon for, use hand-written
// seed lexicons. natural's own SentimentAnalyzer cannot be bundled (its module loads every
// vocabulary it has, ~760 KB gzip), so lexicons/*.json hold compact copies of the vocabularies
// (word → valence; see lexicons/README.md for sources, licences and how they were made) and the
// loop below does what SentimentAnalyzer.getSentiment does (sum the valences, flip after a
// negation) plus what posts need: negation per language (also German's "geht nicht"),
// intensifiers, elongation ("sooo slow"), capitals, emoji and emoticons, "but" (what follows it
// weighs more), exclamation marks, and inflected forms (suffix rules for German, Italian, Spanish
// and English, stems for Russian and Estonian).

import type { Language } from './types'
import {
  emotiveTokenValence,
  normalizeSocialText,
  squeezeDoubles,
  TOKEN_CAPS,
  TOKEN_CLAUSE_START,
  TOKEN_ELONGATED,
  TOKEN_EMOTIVE,
  type SocialText,
} from './social-text'
import enBase from './lexicons/en-afinn.json' with { type: 'json' }
import enCare from './lexicons/en-earshot.json' with { type: 'json' }
import deBase from './lexicons/de-pattern.json' with { type: 'json' }
import deCare from './lexicons/de-earshot.json' with { type: 'json' }
import itBase from './lexicons/it-pattern.json' with { type: 'json' }
import itCare from './lexicons/it-earshot.json' with { type: 'json' }
import esBase from './lexicons/es-afinn.json' with { type: 'json' }
import esCare from './lexicons/es-earshot.json' with { type: 'json' }
import ruSeed from './lexicons/ru-earshot.json' with { type: 'json' }
import etSeed from './lexicons/et-earshot.json' with { type: 'json' }

export type SentimentLabel = 'negative' | 'neutral' | 'positive'

export interface LexiconSentiment {
  /** In [-1, 1]: below 0 negative, above 0 positive. */
  score: number
  label: SentimentLabel
}

/**
 * Label thresholds on the score, chosen on the airline dev set (see README.md in lexicons/):
 * score <= negativeBelow is 'negative', score >= positiveAbove is 'positive'.
 */
export const sentimentThresholds = { negativeBelow: -0.05, positiveAbove: 0.4 } as const

/** The summed valence s becomes s / sqrt(s² + alpha), as VADER normalises (AFINN scale, ±5 a word). */
const alpha = 15
/** A negated word's valence is multiplied by this (VADER's constant). */
const negationFactor = -0.74
/** How many tokens after a negation word it reaches. */
const negationReach = 3
/**
 * A negation that flips nothing ("still can't log in", "нет интернета", "ei tööta" when the verb is
 * unknown) is itself a mild complaint in customer care.
 */
const danglingNegation = -1
const boosterFactor = 1.4
const elongatedBoosterFactor = 1.6
const elongationFactor = 1.3
const capsFactor = 1.3
/** Each '!' (up to 4) adds this to the size of the sum. */
const exclamationEmphasis = 0.292
const beforeContrast = 0.5
const afterContrast = 1.5

interface LanguageRules {
  negators: ReadonlySet<string>
  boosters: ReadonlySet<string>
  /** "but": what follows weighs more than what came before. */
  contrasts: ReadonlySet<string>
  /** Negators that also flip the word before them at the end of a clause ("funktioniert nicht"). */
  trailingNegators?: ReadonlySet<string>
  /** Other forms to try for an inflected word that is not in the lexicon. */
  variants?: (word: string, out: string[]) => void
}

const rules: Record<Language, LanguageRules> = {
  en: {
    negators: new Set([
      'not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'cannot', 'without', "can't", "don't",
      "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "wouldn't", "shouldn't", "couldn't",
      "haven't", "hasn't", "hadn't", "ain't", 'cant', 'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent',
      'wont', 'wouldnt', 'shouldnt', 'couldnt', 'havent', 'hasnt', 'hadnt', 'aint', 'nope',
    ]),
    boosters: new Set([
      'very', 'so', 'really', 'extremely', 'totally', 'absolutely', 'completely', 'incredibly', 'utterly', 'truly',
      'seriously', 'such', 'too', 'highly', 'deeply', 'most', 'hugely', 'terribly', 'awfully', 'insanely',
    ]),
    contrasts: new Set(['but', 'however', 'although', 'though']),
    variants: englishVariants,
  },
  ru: {
    negators: new Set(['не', 'нет', 'никогда', 'ни', 'без', 'ничего', 'никто', 'нисколько', 'нельзя']),
    boosters: new Set([
      'очень', 'так', 'такой', 'такая', 'такое', 'такие', 'совсем', 'абсолютно', 'крайне', 'слишком', 'невероятно',
      'реально', 'просто', 'вообще', 'настолько', 'весьма', 'чрезвычайно', 'совершенно', 'полностью', 'жутко',
    ]),
    contrasts: new Set(['но', 'однако', 'зато']),
  },
  et: {
    negators: new Set(['ei', 'mitte', 'pole', 'polnud', 'kunagi', 'ilma']),
    boosters: new Set([
      'väga', 'nii', 'täiesti', 'eriti', 'üli', 'tõesti', 'ülimalt', 'absoluutselt', 'niivõrd', 'täitsa', 'hirmus',
      'sedavõrd', 'äärmiselt', 'liiga', 'totaalselt',
    ]),
    contrasts: new Set(['aga', 'kuid', 'ent']),
  },
  de: {
    negators: new Set([
      'nicht', 'kein', 'keine', 'keinen', 'keinem', 'keiner', 'keines', 'nie', 'niemals', 'nichts', 'niemand', 'ohne',
      'weder', 'nein', 'nimmer',
    ]),
    boosters: new Set([
      'sehr', 'so', 'total', 'echt', 'wirklich', 'extrem', 'absolut', 'völlig', 'besonders', 'ziemlich', 'richtig',
      'voll', 'äußerst', 'unglaublich', 'mega', 'zu', 'komplett', 'höchst', 'wahnsinnig',
    ]),
    contrasts: new Set(['aber', 'jedoch', 'allerdings']),
    trailingNegators: new Set(['nicht', 'nie', 'niemals', 'nimmer']),
    variants: germanVariants,
  },
  it: {
    negators: new Set(['non', 'mai', 'né', 'nessuno', 'nessuna', 'niente', 'nulla', 'senza', 'neanche', 'nemmeno', 'neppure']),
    boosters: new Set([
      'molto', 'così', 'davvero', 'proprio', 'troppo', 'estremamente', 'assolutamente', 'veramente', 'tanto',
      'tantissimo', 'incredibilmente', 'completamente', 'totalmente', 'particolarmente', 'decisamente',
    ]),
    contrasts: new Set(['ma', 'però', 'tuttavia', 'eppure']),
    variants: italianVariants,
  },
  es: {
    negators: new Set(['no', 'nunca', 'jamás', 'jamas', 'ni', 'nadie', 'nada', 'ninguno', 'ninguna', 'ningún', 'ningun', 'sin', 'tampoco']),
    boosters: new Set([
      'muy', 'tan', 'realmente', 'súper', 'totalmente', 'demasiado', 'extremadamente', 'absolutamente', 'bastante',
      'increíblemente', 'completamente', 'sumamente', 'super',
    ]),
    contrasts: new Set(['pero', 'aunque', 'sino']),
    variants: spanishVariants,
  },
}

interface LexiconFile {
  words: Record<string, number>
}

interface Lexicon {
  exact: Map<string, number>
  /** Stems ("ужас*" is stored as "ужас") → valence; the longest matching stem wins. */
  stems: Map<string, number>
  longestStem: number
  /** First three letters of every entry and stem: words starting otherwise need no second look. */
  heads: Set<string>
  /** First words of two-word entries ("fed up"). */
  phraseStarts: Set<string>
  /** Words already looked up (see wordInfo). */
  known: Map<string, WordInfo>
}

const sources: Record<Language, readonly LexiconFile[]> = {
  en: [enBase, enCare],
  de: [deBase, deCare],
  it: [itBase, itCare],
  es: [esBase, esCare],
  ru: [ruSeed],
  et: [etSeed],
}

const lexicons = new Map<Language, Lexicon>()

// Built on first use per language, so that importing this module costs nothing at Worker start.
function lexiconFor(language: Language): Lexicon {
  let lexicon = lexicons.get(language)
  if (lexicon) return lexicon
  lexicon = { exact: new Map(), stems: new Map(), longestStem: 0, heads: new Set(), phraseStarts: new Set(), known: new Map() }
  // Later files override earlier ones (the hand-written lists override the base vocabulary).
  for (const file of sources[language]) {
    for (const [key, valence] of Object.entries(file.words)) {
      if (key.endsWith('*')) {
        const stem = key.slice(0, -1)
        lexicon.stems.set(stem, valence)
        lexicon.longestStem = Math.max(lexicon.longestStem, stem.length)
        lexicon.heads.add(stem.slice(0, 3))
      } else {
        lexicon.exact.set(key, valence)
        const space = key.indexOf(' ')
        if (space > 0) lexicon.phraseStarts.add(key.slice(0, space))
        else lexicon.heads.add(key.slice(0, 3))
      }
    }
  }
  lexicons.set(language, lexicon)
  return lexicon
}

const ROLE_NONE = 0
const ROLE_NEGATOR = 1
const ROLE_BOOSTER = 2
const ROLE_CONTRAST = 3

/** What a word is in one language, worked out once and remembered. */
interface WordInfo {
  role: number
  /** Its valence on AFINN's scale, 0 when it has none. */
  valence: number
  /** It starts a two-word entry. */
  phraseStart: boolean
  trailingNegator: boolean
}

/** Words remembered per language, at most; past this the memory starts over. */
const maxKnownWords = 50_000

function wordInfo(word: string, lexicon: Lexicon, languageRules: LanguageRules): WordInfo {
  let info = lexicon.known.get(word)
  if (info) return info
  const role = languageRules.negators.has(word)
    ? ROLE_NEGATOR
    : languageRules.boosters.has(word)
      ? ROLE_BOOSTER
      : languageRules.contrasts.has(word)
        ? ROLE_CONTRAST
        : ROLE_NONE
  info = {
    role,
    valence: role === ROLE_NONE ? (valenceOf(word, lexicon, languageRules) ?? 0) : 0,
    phraseStart: lexicon.phraseStarts.has(word),
    trailingNegator: languageRules.trailingNegators?.has(word) ?? false,
  }
  if (lexicon.known.size >= maxKnownWords) lexicon.known.clear()
  lexicon.known.set(word, info)
  return info
}

const variantScratch: string[] = []

/** The valence of a word in a language's lexicon, trying inflected forms and stems; undefined if none. */
function valenceOf(word: string, lexicon: Lexicon, languageRules: LanguageRules): number | undefined {
  const exact = lexicon.exact.get(word)
  if (exact !== undefined) return exact
  if (word.length < 4 || !lexicon.heads.has(word.slice(0, 3))) return undefined
  if (languageRules.variants) {
    variantScratch.length = 0
    languageRules.variants(word, variantScratch)
    for (const variant of variantScratch) {
      const v = lexicon.exact.get(variant)
      if (v !== undefined) return v
    }
  }
  if (lexicon.stems.size > 0) {
    for (let length = Math.min(word.length, lexicon.longestStem); length >= 3; length--) {
      const v = lexicon.stems.get(word.slice(0, length))
      if (v !== undefined) return v
    }
  }
  return undefined
}

// Scratch arrays for one call: the token index and valence of each scored token, and whether it
// was negated.
const scoredAt: number[] = []
const scoredValence: number[] = []
const scoredNegated: boolean[] = []

/**
 * Sentiment of a post in `language`. For 'other' only emoji and emoticons count, since no word
 * lexicon applies.
 */
export function lexiconSentiment(text: string, language: Language | 'other'): LexiconSentiment {
  const score = lexiconScore(text, language)
  return { score, label: labelFor(score) }
}

/** The label a score gets with `sentimentThresholds`. */
export function labelFor(score: number): SentimentLabel {
  if (score <= sentimentThresholds.negativeBelow) return 'negative'
  if (score >= sentimentThresholds.positiveAbove) return 'positive'
  return 'neutral'
}

/** The score alone (in [-1, 1]); `lexiconSentiment` labels it. */
export function lexiconScore(text: string, language: Language | 'other'): number {
  return lexiconScoreOf(normalizeSocialText(text), language)
}

/** `lexiconSentiment` for a post already normalized by `normalizeSocialText`, to share that work. */
export function lexiconSentimentOf(post: SocialText, language: Language | 'other'): LexiconSentiment {
  const score = lexiconScoreOf(post, language)
  return { score, label: labelFor(score) }
}

function lexiconScoreOf(post: SocialText, language: Language | 'other'): number {
  const { tokens, flags, exclamations } = post
  const languageRules = language === 'other' ? null : rules[language]
  const lexicon = language === 'other' ? null : lexiconFor(language)
  scoredAt.length = 0
  scoredValence.length = 0
  scoredNegated.length = 0
  let negationLeft = 0
  let negationAt = -1 // the token index of a negation that has not flipped anything yet
  let boostLeft = 0
  let boost = 1
  let contrastAt = -1
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    const flag = flags[i]!
    if (flag & TOKEN_CLAUSE_START) {
      negationLeft = 0
      boostLeft = 0
    }
    if (negationLeft === 0 && negationAt >= 0) {
      scoreDangling(negationAt)
      negationAt = -1
    }
    if (flag & TOKEN_EMOTIVE) {
      scoredAt.push(i)
      scoredValence.push(emotiveTokenValence(token) ?? 0)
      scoredNegated.push(false)
      continue
    }
    if (!lexicon || !languageRules) continue

    let info = wordInfo(token, lexicon, languageRules)
    // "sooo" is "so", "nooo" is "no", "baaad" is "bad".
    if (info.role === ROLE_NONE && info.valence === 0 && flag & TOKEN_ELONGATED) info = wordInfo(squeezeDoubles(token), lexicon, languageRules)

    // Two-word entries ("fed up", "no one", "not working") are scored as themselves.
    if (info.phraseStart && i + 1 < tokens.length) {
      const phrase = lexicon.exact.get(token + ' ' + tokens[i + 1])
      if (phrase !== undefined) {
        if (phrase !== 0) {
          scoredAt.push(i + 1)
          scoredValence.push(phrase * (boostLeft > 0 ? boost : 1) * (negationLeft > 0 && info.role !== ROLE_NEGATOR ? negationFactor : 1))
          scoredNegated.push(negationLeft > 0)
          if (negationLeft > 0) negationAt = -1
        }
        i++
        if (info.role === ROLE_NEGATOR) negationLeft = 0
        continue
      }
    }

    if (info.role === ROLE_NEGATOR) {
      const clauseEnds = i + 1 === tokens.length || (flags[i + 1]! & TOKEN_CLAUSE_START) !== 0
      if (clauseEnds && info.trailingNegator && flipPrevious(i)) continue
      if (negationAt < 0) negationAt = i
      negationLeft = negationReach
      continue
    }
    if (info.role === ROLE_BOOSTER) {
      boost = flag & TOKEN_ELONGATED ? elongatedBoosterFactor : boosterFactor
      boostLeft = 2
      continue
    }
    if (info.role === ROLE_CONTRAST) {
      contrastAt = i
      negationLeft = 0
      if (negationAt >= 0) scoreDangling(negationAt)
      negationAt = -1
      continue
    }

    let valence = info.valence
    if (valence !== 0) {
      if (boostLeft > 0) valence *= boost
      if (flag & TOKEN_ELONGATED) valence *= elongationFactor
      if (flag & TOKEN_CAPS) valence *= capsFactor
      const negated = negationLeft > 0
      if (negated) {
        valence *= negationFactor
        negationAt = -1
      }
      scoredAt.push(i)
      scoredValence.push(valence)
      scoredNegated.push(negated)
    }
    if (negationLeft > 0) negationLeft--
    if (boostLeft > 0) boostLeft--
  }

  if (negationAt >= 0) scoreDangling(negationAt)
  let sum = 0
  for (let k = 0; k < scoredValence.length; k++) {
    let v = scoredValence[k]!
    if (contrastAt >= 0) v *= scoredAt[k]! < contrastAt ? beforeContrast : afterContrast
    sum += v
  }
  if (sum !== 0 && exclamations > 0) sum += Math.sign(sum) * Math.min(exclamations, 4) * exclamationEmphasis
  const score = sum / Math.sqrt(sum * sum + alpha)
  return Math.max(-1, Math.min(1, score))
}

function scoreDangling(negationAt: number): void {
  scoredAt.push(negationAt)
  scoredValence.push(danglingNegation)
  scoredNegated.push(false)
}

// "funktioniert nicht": the clause-final negation flips the last word scored in the three tokens
// before it, unless a negation already flipped it. False when there was none to flip.
function flipPrevious(negationAt: number): boolean {
  const k = scoredAt.length - 1
  if (k < 0 || scoredNegated[k] || negationAt - scoredAt[k]! > 3) return false
  scoredValence[k] = scoredValence[k]! * negationFactor
  scoredNegated[k] = true
  return true
}

// --- Inflected forms -------------------------------------------------------------------------

function englishVariants(word: string, out: string[]): void {
  if (word.endsWith("'s")) out.push(word.slice(0, -2))
  if (word.endsWith('ies')) out.push(word.slice(0, -3) + 'y')
  if (word.endsWith('s')) out.push(word.slice(0, -1))
  if (word.endsWith('ed')) out.push(word.slice(0, -2), word.slice(0, -1))
  if (word.endsWith('ing')) out.push(word.slice(0, -3), word.slice(0, -3) + 'e')
  if (word.endsWith('ly')) out.push(word.slice(0, -2))
}

const germanEndings = ['esten', 'ester', 'estes', 'estem', 'este', 'sten', 'ster', 'stes', 'stem', 'ste', 'eren', 'erer', 'eres', 'erem', 'ere', 'en', 'er', 'es', 'em', 'e', 'n', 's']
function germanVariants(word: string, out: string[]): void {
  for (const ending of germanEndings) {
    if (word.length - ending.length >= 3 && word.endsWith(ending)) out.push(word.slice(0, -ending.length))
  }
}

const italianSuperlative = /issim[oaie]$/
function italianVariants(word: string, out: string[]): void {
  if (italianSuperlative.test(word)) {
    const base = word.slice(0, -6)
    out.push(base + 'o', base + 'e')
  }
  if (word.endsWith('mente')) out.push(word.slice(0, -5), word.slice(0, -5) + 'o', word.slice(0, -6) + 'o')
  const last = word[word.length - 1]
  if (last === 'a' || last === 'e' || last === 'i') {
    const base = word.slice(0, -1)
    out.push(base + 'o', base + 'e', base + 'a')
  }
}

const spanishSuperlative = /ísim[oa]s?$/
function spanishVariants(word: string, out: string[]): void {
  const superlative = spanishSuperlative.exec(word)
  if (superlative) out.push(word.slice(0, superlative.index) + 'o')
  if (word.endsWith('mente')) out.push(word.slice(0, -5), word.slice(0, -6) + 'o')
  if (word.endsWith('as') || word.endsWith('os')) out.push(word.slice(0, -2) + 'o', word.slice(0, -1))
  if (word.endsWith('es')) out.push(word.slice(0, -2), word.slice(0, -1))
  if (word.endsWith('a')) out.push(word.slice(0, -1) + 'o')
  if (word.endsWith('s')) out.push(word.slice(0, -1))
}
