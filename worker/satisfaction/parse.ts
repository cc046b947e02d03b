// Reading a customer's answer to the satisfaction ask. The answer is an ordinary post on X,
// Bluesky or Mastodon: it opens with @handles, may carry links, and people write "5", "4/5",
// "⭐⭐⭐⭐", "a solid four", "на троечку" or "voto 4". A reply that is not read as a score simply
// stays a message on the case, so every doubt ends in null rather than a guess: two different
// scores, a score on another scale, or a number that counts, prices or times something.
import { primaryLanguage } from './language'

export type SatisfactionScore = 1 | 2 | 3 | 4 | 5

export interface SatisfactionReply {
  score: SatisfactionScore
  /** What the customer wrote besides handles and the score itself; null when nothing is left. */
  comment: string | null
}

export function isSatisfactionScore(value: unknown): value is SatisfactionScore {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5
}

/**
 * The words of one language, lower-case, ё written as е. An entry ending in "*" stands for every
 * word that starts with it, which is how Russian and Italian inflection is covered.
 */
interface Vocabulary {
  numbers: Readonly<Record<string, number>>
  /** School marks and other number nouns, by stem: "троечку", "четвёрка". */
  numberStems: ReadonlyArray<readonly [stem: string, value: number]>
  /** A score noun before the number settles it: "rating 4", "voto 4", "оценка 3". */
  scoreNouns: readonly string[]
  /** A verb before the number only counts when the number ends the phrase: "I'd give it a 4." */
  scoreVerbs: readonly string[]
  /** "a solid four", "un bel 5", "твёрдая четвёрка": like a verb, needs the phrase to end. */
  qualifiers: readonly string[]
  /** Words that may stand between the keyword and the number: "give IT a 4", "voto È 4". */
  fillers: readonly string[]
  /** Words before the keyword that belong to the score phrase, so the comment loses them too. */
  lead: readonly string[]
  /** After the number they make it a score: "4 stars", "5 баллов". */
  units: readonly string[]
  /** Between the number and its scale: "4 out of 5", "4 su 5", "4 из 5". */
  scales: ReadonlyArray<readonly string[]>
  /** After the number, part of the score phrase: "5 from me". */
  signoffs: ReadonlyArray<readonly string[]>
  /** Next to a lone number they leave it alone: "thanks, 5", "5 grazie". */
  thanks: readonly string[]
  /** After a lone number they leave it alone too: "5 but slow". */
  continuations: readonly string[]
  /** After a number they make it a quantity, not a score: "5 days", "3 ore", "2 звонка". */
  quantities: readonly string[]
  /** Before a number they make it a time, date or identifier: "at 5", "alle 5", "заказ 4". */
  preceders: readonly string[]
  /** Between two numbers they offer a range or a choice: "3 or 4", "da 1 a 5", "от 1 до 5". */
  connectors: readonly string[]
}

const months = {
  en: ['jan', 'january', 'feb', 'february', 'mar', 'march', 'apr', 'april', 'may', 'jun', 'june', 'jul', 'july', 'aug', 'august', 'sep', 'sept', 'september', 'oct', 'october', 'nov', 'november', 'dec', 'december'],
  it: ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'],
  ru: ['январ*', 'феврал*', 'март*', 'апрел*', 'мая', 'май', 'июн*', 'июл*', 'август*', 'сентябр*', 'октябр*', 'ноябр*', 'декабр*'],
}

const english: Vocabulary = {
  numbers: { zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 },
  numberStems: [],
  scoreNouns: ['rating', 'rate', 'rated', 'score', 'grade'],
  scoreVerbs: ['give', 'giving', 'gave', 'say'],
  qualifiers: ['a', 'an', 'solid', 'strong', 'good', 'clear', 'fair', 'honest', 'firm', 'deserved', 'generous', 'full', 'easy', 'big', 'perfect', 'well'],
  fillers: ['it', 'you', 'them', 'us', 'him', 'her', 'this', 'that', 'is', 'was', 'be', 'of', 'definitely', 'easily'],
  lead: ['i', "i'd", 'id', "i'll", 'we', "we'd", "we'll", 'would', 'will', 'my', 'our', "it's", 'its', "that's", 'thats', 'it', 'is', 'was', 'definitely'],
  units: ['star', 'stars', 'point', 'points', 'pts'],
  scales: [['out', 'of'], ['of']],
  signoffs: [['from', 'me'], ['from', 'us']],
  thanks: ['thanks', 'thank', 'thx', 'ty', 'tysm', 'cheers'],
  continuations: ['but', 'overall', 'honestly', 'though'],
  quantities: [
    'min', 'mins', 'minute*', 'hour*', 'hr', 'hrs', 'h', 'day*', 'week*', 'month*', 'year*', 'yr*', 'sec', 'secs', 'second*',
    'time*', 'call*', 'attempt*', 'try', 'tries', 'email*', 'mail*', 'message*', 'ticket*', 'order*', 'item*', 'people', 'person*',
    'agent*', 'rep*', 'employee*', 'staff', 'technician*', 'engineer*', 'visit*', 'device*', 'line*', 'euro*', 'dollar*',
    'pound*', 'buck*', 'cent*', 'percent', 'gb', 'mb', 'gig*', 'mbps', 'k', 'g', 'am', 'pm', "o'clock", 'oclock', 'more', 'other*',
    'extra', 'additional', 'different', 'separate', 'whole', 'straight', 'business', 'working', 'night*', 'weekend*', 'km', 'mile*',
    ...months.en,
  ],
  preceders: [
    'at', 'by', 'until', 'till', 'before', 'after', 'since', 'around', 'about', 'approx', 'within', 'in', 'on', 'over', 'under', 'than',
    'order', 'ticket', 'case', 'ref', 'reference', 'no', 'nr', 'num', 'number', 'account', 'version', 'press', 'dial', 'option', 'every',
  ],
  connectors: ['to', 'or', 'and', 'till', 'until'],
}

const italian: Vocabulary = {
  numbers: { zero: 0, uno: 1, due: 2, tre: 3, quattro: 4, cinque: 5, sei: 6, sette: 7, otto: 8, nove: 9, dieci: 10 },
  numberStems: [],
  scoreNouns: ['voto', 'valutazione', 'punteggio', 'giudizio'],
  scoreVerbs: ['do', 'dò', 'darei', 'dato', 'metto', 'metterei', 'direi', 'assegno', 'dico'],
  qualifiers: ['un', 'bel', 'bello', 'pieno', 'solido', 'meritato', 'meritatissimo', 'onesto', 'sicuro', 'giusto', 'netto'],
  fillers: ['ti', 'vi', 'gli', 'le', 'il', 'è', 'era', 'sarebbe', 'di', 'mio', 'loro'],
  lead: ['io', 'il', 'mio', 'mia', 'ti', 'vi', 'gli', 'le', 'lo'],
  units: ['stella', 'stelle', 'stellina', 'stelline', 'punto', 'punti'],
  scales: [['su']],
  signoffs: [['da', 'me'], ['da', 'parte', 'mia']],
  thanks: ['grazie', 'grz'],
  continuations: ['ma', 'comunque', 'però'],
  quantities: [
    'minut*', 'ora', 'ore', 'giorn*', 'settiman*', 'mese', 'mesi', 'anno', 'anni', 'volt*', 'chiamat*', 'telefonat*', 'tentativ*',
    'mail', 'email', 'messagg*', 'ticket', 'person*', 'operator*', 'tecnic*', 'euro', 'eur', 'centesim*', 'second*', 'altr*', 'gg',
    ...months.it,
  ],
  preceders: ['alle', 'dalle', 'entro', 'verso', 'dopo', 'prima', 'circa', 'fino', 'ordine', 'pratica', 'numero', 'n'],
  connectors: ['o', 'e', 'a', 'oppure'],
}

const russian: Vocabulary = {
  numbers: {
    ноль: 0, один: 1, одна: 1, одну: 1, два: 2, две: 2, три: 3, четыре: 4, пять: 5,
    шесть: 6, семь: 7, восемь: 8, девять: 9, десять: 10, кол: 1,
    // The genitive, as in "четыре из пяти".
    одного: 1, двух: 2, трех: 3, четырех: 4, пяти: 5, десяти: 10,
  },
  numberStems: [
    ['единиц', 1], ['единичк', 1], ['двойк', 2], ['двоечк', 2], ['тройк', 3], ['троечк', 3], ['трояк', 3],
    ['четверк', 4], ['четверочк', 4], ['пятерк', 5], ['пятерочк', 5],
  ],
  scoreNouns: ['оценк*', 'рейтинг'],
  scoreVerbs: ['ставлю', 'поставлю', 'поставил*', 'ставим', 'поставим', 'даю', 'дам', 'оцениваю', 'оценю', 'оценил*', 'скажу', 'на'],
  qualifiers: ['тверд*', 'крепк*', 'уверенн*', 'честн*', 'заслуженн*', 'чист*'],
  fillers: ['все', 'вам', 'тебе', 'им', 'это', 'бы'],
  lead: ['я', 'мы', 'бы', 'моя', 'наша'],
  units: ['звезд*', 'звездочк*', 'балл*', 'очк*'],
  scales: [['из']],
  signoffs: [['от', 'меня'], ['от', 'нас']],
  thanks: ['спасибо', 'спс', 'благодарю'],
  continuations: ['но', 'хотя'],
  quantities: [
    'мин', 'минут*', 'час*', 'ч', 'дн*', 'день', 'сут*', 'недел*', 'месяц*', 'год*', 'лет', 'раз', 'раза', 'звонк*', 'обращени*',
    'попыт*', 'заявк*', 'письм*', 'писем', 'сообщени*', 'руб*', 'р', 'евро', 'долл*', 'бакс*', 'процент*', 'гб', 'мб', 'гиг*',
    'мбит*', 'человек*', 'сотрудник*', 'оператор*', 'специалист*', 'мастер*', 'утра', 'вечера', 'ночи', 'сек', 'секунд*', 'тыс*',
    'коп*', 'штук*', 'других', 'еще',
    ...months.ru,
  ],
  preceders: ['в', 'к', 'до', 'после', 'с', 'со', 'через', 'за', 'около', 'примерно', 'заказ*', 'номер*', 'заявк*', 'договор*'],
  connectors: ['до', 'или', 'и', 'либо'],
}

const vocabularies: Readonly<Record<string, Vocabulary>> = { en: english, it: italian, ru: russian }

/** Both kinds of lists, merged, with number words looked up by exact form. */
interface Words extends Omit<Vocabulary, 'numbers'> {
  numbers: ReadonlyMap<string, number>
}

type WordListKey = {
  [K in keyof Vocabulary]: Vocabulary[K] extends readonly string[] ? K : never
}[keyof Vocabulary]

function merge(chosen: readonly Vocabulary[], everything: readonly Vocabulary[]): Words {
  const list = (from: readonly Vocabulary[], key: WordListKey): string[] => from.flatMap((v) => v[key])
  return {
    numbers: new Map(chosen.flatMap((v) => Object.entries(v.numbers))),
    numberStems: chosen.flatMap((v) => v.numberStems),
    scoreNouns: list(chosen, 'scoreNouns'),
    scoreVerbs: list(chosen, 'scoreVerbs'),
    qualifiers: list(chosen, 'qualifiers'),
    fillers: list(chosen, 'fillers'),
    lead: list(chosen, 'lead'),
    units: list(chosen, 'units'),
    scales: chosen.flatMap((v) => v.scales),
    signoffs: chosen.flatMap((v) => v.signoffs),
    thanks: list(chosen, 'thanks'),
    continuations: list(chosen, 'continuations'),
    quantities: list(everything, 'quantities'),
    preceders: list(everything, 'preceders'),
    connectors: list(everything, 'connectors'),
  }
}

const wordsCache = new Map<string, Words>()

/**
 * Latin number words collide across languages (Italian "due" is an English word too), so a known
 * language reads only its own words. Short replies are often detected wrongly or not at all;
 * any other language reads all of them. Words that rule a number out are always all in use:
 * more of them can only make the parser more careful.
 */
function wordsFor(language: string | null | undefined): Words {
  const primary = primaryLanguage(language)
  const key = primary !== null && primary in vocabularies ? primary : '*'
  let words = wordsCache.get(key)
  if (!words) {
    const everything = Object.values(vocabularies)
    words = merge(key === '*' ? everything : [vocabularies[key]!], everything)
    wordsCache.set(key, words)
  }
  return words
}

function matches(list: readonly string[], word: string): boolean {
  return list.some((entry) => (entry.endsWith('*') ? word.startsWith(entry.slice(0, -1)) : word === entry))
}

function numberValue(word: string, words: Words): number | undefined {
  return words.numbers.get(word) ?? words.numberStems.find(([stem]) => word.startsWith(stem))?.[1]
}

type Span = readonly [start: number, end: number]

interface Prepared {
  /** The text, same length, with what must not be read as a score blanked and digits unified. */
  scan: string
  handles: Span[]
  /** "on a scale of 1 to 5": part of the score phrase, never a score. */
  scaleMentions: Span[]
}

const handlePattern = /(?<![\p{L}\p{N}_@])@[\p{L}\p{N}_]+(?:[.-][\p{L}\p{N}_]+)*(?:@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)?/gu
const linkPatterns = [
  /https?:\/\/\S+/giu,
  /(?<![\p{L}\p{N}])www\.\S+/giu,
  // Bluesky shows links without their scheme: "example.com/s/ab12…".
  /(?<![\p{L}\p{N}@.])(?:[\p{L}\p{N}-]+\.)+\p{L}{2,}\/\S*/gu,
  /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu,
]
const scaleMentionPatterns = [
  /(?<!\p{L})(?:on\s+)?(?:a\s+)?scale\s+(?:of\s+|from\s+)?(?:1|one)\s*(?:-|–|to)\s*(?:5|five)(?![\p{L}\p{N}])/giu,
  /(?<!\p{L})(?:su\s+)?(?:una\s+)?scala\s+(?:da\s+)?(?:1|uno)\s*(?:-|–|a)\s*(?:5|cinque)(?![\p{L}\p{N}])/giu,
  /(?<!\p{L})(?:по\s+)?шкал\p{L}*\s+(?:от\s+)?(?:1|одного)\s*(?:-|–|до)\s*(?:5|пяти)(?![\p{L}\p{N}])/giu,
]
// Runs of digits broken by spaces, dots, dashes or brackets, checked for length afterwards.
const phonePattern = /(?<!\d)\+?\(?\d[\d\s().-]{5,}\d(?!\d)/g

function prepare(text: string): Prepared {
  let scan = text
    // Keycap digits ("4️⃣") become plain ones; the padding keeps every offset as in the text. A run
    // of keycaps ("1️⃣0️⃣") reads as separate digits, which is no single score either.
    .replace(/(\d)\uFE0F?\u20E3/g, (keycap, digit: string) => digit.padEnd(keycap.length, ' '))
    .replace(/\u{1F51F}/gu, '10')
    .replace(/[０-９]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) - 0xfee0))
  const blank = (pattern: RegExp, keep?: (match: string) => boolean): Span[] => {
    const spans: Span[] = []
    scan = scan.replace(pattern, (match: string, ...rest: unknown[]) => {
      if (keep?.(match)) return match
      const offset = rest.find((value): value is number => typeof value === 'number') ?? 0
      spans.push([offset, offset + match.length])
      return ' '.repeat(match.length)
    })
    return spans
  }
  const handles = blank(handlePattern)
  for (const pattern of linkPatterns) blank(pattern)
  const scaleMentions = scaleMentionPatterns.flatMap((pattern) => blank(pattern))
  blank(phonePattern, (match) => match.replace(/\D/g, '').length < 7)
  return { scan, handles, scaleMentions }
}

interface Token {
  kind: 'number' | 'word' | 'stars' | 'symbol'
  text: string
  /** A word lower-cased with ё as е and straight apostrophes; other tokens as written. */
  word: string
  start: number
  end: number
  /** A number's value; a star run's filled stars. */
  value: number
  /** A star run's empty stars. */
  empty: number
  digits: boolean
  /** A line break stands between this token and the one before: it ends a phrase like a full stop. */
  breakBefore: boolean
}

const tokenPattern =
  /(?<stars>(?:[⭐★🌟]\uFE0F?|☆)(?:\s?(?:[⭐★🌟]\uFE0F?|☆))*)|(?<digits>\d+)|(?<word>[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*)|(?<symbol>\S)/gu

function tokenize(scan: string, words: Words): Token[] {
  const tokens: Token[] = []
  for (const match of scan.matchAll(tokenPattern)) {
    const text = match[0]
    const start = match.index
    const breakBefore = scan.slice(tokens.at(-1)?.end ?? 0, start).includes('\n')
    const base = { text, word: text, start, end: start + text.length, value: 0, empty: 0, digits: false, breakBefore }
    const groups = match.groups ?? {}
    if (groups.stars !== undefined) {
      const filled = [...text].filter((c) => c === '⭐' || c === '★' || c === '🌟').length
      tokens.push({ ...base, kind: 'stars', value: filled, empty: [...text].filter((c) => c === '☆').length })
    } else if (groups.digits !== undefined) {
      tokens.push({ ...base, kind: 'number', value: Number(text), digits: true })
    } else if (groups.word !== undefined) {
      const word = text.normalize('NFC').toLowerCase().replace(/ё/g, 'е').replace(/’/g, "'")
      const value = numberValue(word, words)
      tokens.push(value === undefined ? { ...base, kind: 'word', word } : { ...base, kind: 'number', word, value })
    } else {
      tokens.push({ ...base, kind: 'symbol' })
    }
  }
  return tokens
}

/**
 * Digits that are part of something else: a time, a decimal, a price, an identifier, a model
 * name. Judged on the characters right next to them; `side` leaves out what is before them, for
 * the 5 of "4/5", which is glued to the 4 on purpose.
 */
function isGlued(scan: string, token: Token, side: 'both' | 'after' = 'both'): boolean {
  if (!token.digits) return false
  const before = side === 'both' ? scan.slice(Math.max(0, token.start - 3), token.start) : ''
  const after = scan.slice(token.end, token.end + 4)
  return (
    token.text.length > 2 ||
    /^0\d/.test(token.text) ||
    /[\p{L}\p{M}_]$/u.test(before) || // "G5", "iPhone5"
    /[#№$€£¥₽+~]\s?$/u.test(before) || // "#4", "€ 5", "+7"
    /\d[.,:]$/.test(before) || // the second half of "4.5", "4:30"
    /\d\s*\/\s*$/.test(before) || // the second half of "24/7"
    /^[.,:]\d/.test(after) || // the first half of "4.5", "3,5", "4:30"
    /^\p{L}/u.test(after) || // "5pm", "5G", "5th", "5мин"
    /^\s?[%€$£¥₽°]/u.test(after) ||
    /^\s?[ap]\.m/i.test(after)
  )
}

const rangeSymbols = new Set(['-', '–', '—', '~', '&'])
const separators = new Set([':', '-', '–', '—', '=', '"', '«', '„', '“'])

function isWord(token: Token | undefined, list: readonly string[]): boolean {
  return token?.kind === 'word' && matches(list, token.word)
}

function isLoneStar(token: Token | undefined): boolean {
  return token?.kind === 'stars' && token.value === 1 && token.empty === 0
}

function adjacent(left: Token | undefined, right: Token | undefined): boolean {
  return left !== undefined && right !== undefined && left.end === right.start
}

/** The index of a second number offered with this one ("3 or 4", "4-5"), if any. */
function connectedNumber(tokens: readonly Token[], i: number, words: Words): number | null {
  const link = tokens[i + 1]
  if (tokens[i + 2]?.kind !== 'number' || !link) return null
  const joins = link.kind === 'symbol' ? rangeSymbols.has(link.text) : isWord(link, words.connectors)
  return joins ? i + 2 : null
}

/** The word or symbol tokens of a scale ("out of", "/", "su", "из") at k; 0 when there is none. */
function scaleLength(tokens: readonly Token[], k: number, words: Words): number {
  if (tokens[k]?.kind === 'symbol' && tokens[k]?.text === '/') return 1
  const scale = words.scales.find((parts) => parts.every((part, n) => tokens[k + n]?.kind === 'word' && tokens[k + n]?.word === part))
  return scale?.length ?? 0
}

interface Suffix {
  /** Index of the first token after the score phrase. */
  next: number
  end: number
  /** Stars or points named after the number. */
  unit: boolean
  /** The scale the number was given on, as in "4/5" or "4 su 5". */
  denominator: number | null
}

/** What follows a number; null when that makes it something other than a score. */
function readSuffix(tokens: readonly Token[], i: number, scan: string, words: Words, used: Set<number>): Suffix | null {
  let k = i + 1
  let end = tokens[i]!.end
  let unit = false
  let denominator: number | null = null
  const take = (count: number) => {
    for (let n = 0; n < count; n++) used.add(k + n)
    end = tokens[k + count - 1]!.end
    k += count
  }
  const takeUnit = () => {
    const token = tokens[k]
    if (isWord(token, words.units) || isLoneStar(token) || (token?.text === '*' && adjacent(tokens[k - 1], token))) {
      take(1)
      unit = true
    }
  }
  // "4+" and "5-" are Russian school marks; "5-star" is a unit; "5-minute" and "5-го" are not.
  if ((tokens[k]?.text === '+' || tokens[k]?.text === '-') && adjacent(tokens[k - 1], tokens[k])) {
    const after = tokens[k + 1]
    if (after?.kind === 'word' && adjacent(tokens[k], after)) {
      if (!matches(words.units, after.word)) return null
      take(2)
      unit = true
    } else if (after?.kind !== 'number') {
      take(1)
    }
  }
  takeUnit()
  const length = scaleLength(tokens, k, words)
  const scale = tokens[k + length]
  if (length > 0 && scale?.kind === 'number' && !isGlued(scan, scale, 'after')) {
    const slash = tokens[k]!.text === '/'
    take(length + 1)
    // "24/7" or "5/12" is a schedule or a date; only these denominators are scales.
    if (slash && ![5, 10, 100].includes(scale.value)) return null
    denominator = scale.value
    takeUnit()
  }
  if (isWord(tokens[k], words.quantities)) return null
  const signoff = words.signoffs.find((parts) => parts.every((part, n) => tokens[k + n]?.word === part))
  if (signoff) take(signoff.length)
  return { next: k, end, unit, denominator }
}

interface Keyword {
  start: number
  /** A score noun settles it; verbs and qualifiers need the phrase to end after the number. */
  strong: boolean
}

function leadStart(tokens: readonly Token[], j: number, words: Words): number {
  let k = j
  while (k > 0 && isWord(tokens[k - 1], words.lead)) k--
  return tokens[k]!.start
}

/** The words before a number that make it a score: "rating: 4", "I'd give it a 4", "un bel 5". */
function keywordBefore(tokens: readonly Token[], i: number, words: Words): Keyword | null {
  let qualifier: number | null = null
  for (let j = i - 1, steps = 0; j >= 0 && steps < 5; j--, steps++) {
    const token = tokens[j]!
    if (token.kind === 'symbol' && separators.has(token.text)) continue
    if (token.kind !== 'word') break
    if (matches(words.scoreNouns, token.word)) return { start: leadStart(tokens, j, words), strong: true }
    if (matches(words.scoreVerbs, token.word)) return { start: leadStart(tokens, j, words), strong: false }
    if (matches(words.qualifiers, token.word)) qualifier = j
    else if (!matches(words.fillers, token.word)) break
  }
  return qualifier === null ? null : { start: leadStart(tokens, qualifier, words), strong: false }
}

/** Whether the token after a number ends the score phrase: nothing, a symbol, or "thanks". */
function endsPhrase(token: Token | undefined, words: Words): boolean {
  return !token || token.breakBefore || token.kind === 'symbol' || token.kind === 'stars' || isWord(token, words.thanks) || isWord(token, words.continuations)
}

function startsPhrase(token: Token | undefined, number: Token, words: Words): boolean {
  return !token || number.breakBefore || token.kind === 'symbol' || token.kind === 'stars' || isWord(token, words.thanks)
}

interface Finding {
  value: number
  start: number
  end: number
}

type Reading = Finding | null | 'ambiguous'

function finding(value: number, start: number, end: number): Reading {
  return isSatisfactionScore(value) ? { value, start, end } : 'ambiguous'
}

function readNumber(tokens: readonly Token[], i: number, scan: string, words: Words, used: Set<number>): Reading {
  const token = tokens[i]!
  if (isGlued(scan, token)) return null
  const other = connectedNumber(tokens, i, words)
  if (other !== null) {
    used.add(other)
    // "3-4 days" and "4 to 5pm" are a span of time; "3 or 4" and "between 3 and 4" are no answer.
    if (isGlued(scan, tokens[other]!) || isWord(tokens[other + 1], words.quantities)) return null
    return 'ambiguous'
  }
  const suffix = readSuffix(tokens, i, scan, words, used)
  if (!suffix) return null
  const keyword = keywordBefore(tokens, i, words)
  const starBefore = isLoneStar(tokens[i - 1]) ? tokens[i - 1] : undefined
  const start = Math.min(keyword?.start ?? token.start, starBefore?.start ?? token.start)
  if (suffix.denominator !== null) return suffix.denominator === 5 ? finding(token.value, start, suffix.end) : 'ambiguous'
  if (suffix.unit || starBefore) return finding(token.value, start, suffix.end)
  if (isWord(tokens[i - 1], words.preceders)) return null
  const ends = endsPhrase(tokens[suffix.next], words)
  if (keyword && (keyword.strong || ends)) return finding(token.value, start, suffix.end)
  if (ends && startsPhrase(tokens[i - 1], token, words)) return finding(token.value, token.start, suffix.end)
  return null
}

function readStars(tokens: readonly Token[], i: number): Reading {
  const stars = tokens[i]!
  if (stars.value === 0) return null
  if (isLoneStar(stars)) {
    // "⭐ 4" labels the number; a single star beside words is decoration ("thanks ⭐").
    if (tokens[i + 1]?.kind === 'number') return null
    if (tokens.some((token) => token.kind === 'word')) return null
  }
  if (stars.value + stars.empty > 5) return 'ambiguous'
  return finding(stars.value, stars.start, stars.end)
}

function readScores(tokens: readonly Token[], scan: string, words: Words): Finding[] | 'ambiguous' {
  const findings: Finding[] = []
  const used = new Set<number>()
  for (let i = 0; i < tokens.length; i++) {
    if (used.has(i)) continue
    const kind = tokens[i]!.kind
    const reading = kind === 'stars' ? readStars(tokens, i) : kind === 'number' ? readNumber(tokens, i, scan, words, used) : null
    if (reading === 'ambiguous') return reading
    if (reading) findings.push(reading)
  }
  return findings
}

/** The text without the given spans, tidied so a removed score leaves no stray punctuation. */
function leftover(text: string, spans: readonly Span[]): string | null {
  let rest = ''
  let at = 0
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (start > at) rest += text.slice(at, start)
    rest += ' '
    at = Math.max(at, end)
  }
  rest += text.slice(at)
  const tidy = rest
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\(\s*\)/g, '')
    .replace(/ +([,.;:!?)])/g, '$1')
    .replace(/[,;:]+(?=[.!?])/g, '')
    .replace(/^[\s,.;:!?\-–—/|)]+/u, '')
    .replace(/[\s,;:\-–—/|(]+$/u, '')
  return /[\p{L}\p{N}\p{Extended_Pictographic}]/u.test(tidy) ? tidy : null
}

/**
 * The score in a reply to the satisfaction ask, and the rest of the reply as a comment; null when
 * the reply holds no score or more than one reading of it. Digits are read in any language; number
 * words in English, Russian and Italian.
 */
export function parseSatisfaction(text: string, language?: string | null): SatisfactionReply | null {
  const words = wordsFor(language)
  const { scan, handles, scaleMentions } = prepare(text)
  const findings = readScores(tokenize(scan, words), scan, words)
  if (findings === 'ambiguous') return null
  const values = new Set(findings.map((found) => found.value))
  const [score] = values
  if (values.size !== 1 || !isSatisfactionScore(score)) return null
  // A keycap digit's marks were blanked in the scan; the comment must lose them with the digit.
  const withMarks = (end: number) => end + (/^[\uFE0F\u20E3]*/.exec(text.slice(end))?.[0].length ?? 0)
  const spans: Span[] = [...handles, ...scaleMentions, ...findings.map((found): Span => [found.start, withMarks(found.end)])]
  return { score, comment: leftover(text, spans) }
}
