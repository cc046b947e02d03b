// Small numbers as people write them in each language: digits, number words ("three", "три",
// "kolm"), ordinals ("third", "третий", "kolmas", "4th", "4.", "4-й"), in their common inflected
// forms. The rules use the regex fragments to find them and `parseNumber` to read them.
import type { Language } from '../types'

interface Table {
  cardinals: Map<string, number>
  ordinals: Map<string, number>
  /** What may follow digits to make an ordinal: "4th", "4.", "4-й", "4º". */
  digitOrdinal: string
}

function entries(list: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(list))
}

/** Every stem with every ending, mapped to the stem's number. */
function inflect(stems: Record<string, number>, endings: readonly string[]): Map<string, number> {
  const map = new Map<string, number>()
  for (const [stem, value] of Object.entries(stems)) for (const ending of endings) map.set(stem + ending, value)
  return map
}

function merge(...maps: Map<string, number>[]): Map<string, number> {
  const merged = new Map<string, number>()
  for (const map of maps) for (const [word, value] of map) merged.set(word, value)
  return merged
}

const tables: Record<Language, Table> = {
  en: {
    cardinals: entries({
      a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
      eleven: 11, twelve: 12, fifteen: 15, twenty: 20,
    }),
    ordinals: entries({
      first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
      eleventh: 11, twelfth: 12, fifteenth: 15, twentieth: 20,
    }),
    digitOrdinal: '(?:st|nd|rd|th)',
  },
  ru: {
    cardinals: entries({
      один: 1, одна: 1, одну: 1, одни: 1, одного: 1, одних: 1, два: 2, две: 2, двух: 2, три: 3, трех: 3,
      четыре: 4, четырех: 4, пять: 5, пяти: 5, шесть: 6, шести: 6, семь: 7, семи: 7, восемь: 8, восьми: 8,
      девять: 9, девяти: 9, десять: 10, десяти: 10, одиннадцать: 11, двенадцать: 12, пятнадцать: 15, двадцать: 20, двое: 2, трое: 3, четверо: 4, пятеро: 5,
      шестеро: 6, семеро: 7,
    }),
    ordinals: inflect(
      { перв: 1, втор: 2, трет: 3, четверт: 4, пят: 5, шест: 6, седьм: 7, восьм: 8, девят: 9, десят: 10 },
      ['ый', 'ой', 'ий', 'ая', 'ое', 'ые', 'ого', 'ую', 'ом', 'ых', 'ым', 'ья', 'ье', 'ьи', 'ьего', 'ью', 'ьей', 'ьих'],
    ),
    digitOrdinal: '-?(?:й|ый|ий|ой|е|ое|я|ая|го|ого)',
  },
  it: {
    cardinals: entries({
      un: 1, uno: 1, una: 1, due: 2, tre: 3, quattro: 4, cinque: 5, sei: 6, sette: 7, otto: 8, nove: 9, dieci: 10,
      undici: 11, dodici: 12, quindici: 15, venti: 20,
    }),
    ordinals: inflect(
      {
        prim: 1, second: 2, terz: 3, quart: 4, quint: 5, sest: 6, settim: 7, ottav: 8, non: 9, decim: 10,
        undicesim: 11, dodicesim: 12,
      },
      ['o', 'a', 'i', 'e'],
    ),
    digitOrdinal: '[°ºª]',
  },
  et: {
    cardinals: entries({
      üks: 1, ühe: 1, üht: 1, kaks: 2, kahe: 2, kolm: 3, kolme: 3, neli: 4, nelja: 4, viis: 5, viie: 5, kuus: 6,
      kuue: 6, seitse: 7, seitsme: 7, kaheksa: 8, üheksa: 9, kümme: 10, kümne: 10, üksteist: 11, kaksteist: 12,
      viisteist: 15, kakskümmend: 20,
    }),
    ordinals: merge(
      entries({
        esimene: 1, teine: 2, kolmas: 3, neljas: 4, viies: 5, kuues: 6, seitsmes: 7, kaheksas: 8, üheksas: 9,
        kümnes: 10,
      }),
      inflect({ esimes: 1, teis: 2 }, ['e', 'el', 'eks', 'es', 'ele']),
      entries({ esimest: 1, teist: 2 }),
      inflect(
        {
          kolmanda: 3, neljanda: 4, viienda: 5, kuuenda: 6, seitsmenda: 7, kaheksanda: 8, üheksanda: 9,
          kümnenda: 10,
        },
        ['', 't', 'l', 'ks', 's', 'le'],
      ),
    ),
    digitOrdinal: '\\.',
  },
  de: {
    cardinals: entries({
      ein: 1, eine: 1, einen: 1, einem: 1, einer: 1, eins: 1, zwei: 2, drei: 3, vier: 4, fünf: 5, sechs: 6,
      sieben: 7, acht: 8, neun: 9, zehn: 10, elf: 11, zwölf: 12, fünfzehn: 15, zwanzig: 20,
    }),
    ordinals: inflect(
      {
        erste: 1, zweite: 2, dritte: 3, vierte: 4, fünfte: 5, sechste: 6, siebte: 7, siebente: 7, achte: 8,
        neunte: 9, zehnte: 10, elfte: 11, zwölfte: 12,
      },
      ['', 'r', 'n', 's', 'm'],
    ),
    digitOrdinal: '\\.',
  },
  es: {
    cardinals: entries({
      un: 1, uno: 1, una: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10,
      once: 11, doce: 12, quince: 15, veinte: 20,
    }),
    ordinals: merge(
      entries({ primer: 1, tercer: 3 }),
      inflect(
        {
          primer: 1, segund: 2, tercer: 3, cuart: 4, quint: 5, sext: 6, séptim: 7, septim: 7, octav: 8,
          noven: 9, décim: 10, decim: 10,
        },
        ['o', 'a'],
      ),
    ),
    digitOrdinal: '[°ºª]',
  },
}

function alternation(words: Iterable<string>): string {
  return [...words].sort((a, b) => b.length - a.length).join('|')
}

// Articles read as 1 ("a week", "una settimana"), but only where a phrase asks for them: they are
// too common to start every number phrase with.
const articles = new Set(['a', 'an', 'un', 'una', 'uno', 'ein', 'eine', 'einen', 'einem', 'einer', 'одну'])

function words(lang: Language, withArticles: boolean): string[] {
  return [...tables[lang].cardinals.keys()].filter((word) => withArticles || !articles.has(word))
}

/** The number words of `lang` (for the phrase index). */
export function cardinalWords(lang: Language, withArticles: boolean): string[] {
  return words(lang, withArticles)
}

/** The ordinal words of `lang` (for the phrase index). */
export function ordinalWords(lang: Language): string[] {
  return [...tables[lang].ordinals.keys()]
}

/** Number words of `lang` only (no digits). */
export function cardinalWordsSource(lang: Language, withArticles: boolean): string {
  return `(?:${alternation(words(lang, withArticles))})`
}

/** A cardinal: digits (with decimals) or a number word of `lang`. */
export function cardinalSource(lang: Language, withArticles: boolean): string {
  return `(?:\\d+(?:[.,]\\d+)?|${alternation(words(lang, withArticles))})`
}

/** An ordinal: digits with the language's ordinal mark, or an ordinal word of `lang`. */
export function ordinalSource(lang: Language): string {
  return `(?:\\d+${tables[lang].digitOrdinal}|${alternation(tables[lang].ordinals.keys())})`
}

export interface ParsedNumber {
  value: number
  ordinal: boolean
}

const leadingDigits = /^(\d+)(?:[.,](\d+))?(.*)$/

/**
 * Reads one token as a number in `lang` (falling back to English words): "22", "4th", "4.", "4-й",
 * "третий", "kolm", "fünfmal", "achteinhalb" (8.5). Undefined when it is no number.
 */
export function parseNumber(lang: Language, token: string): ParsedNumber | undefined {
  const digits = leadingDigits.exec(token)
  if (digits) {
    const whole = Number(digits[1])
    const rest = digits[3] ?? ''
    // "24,90" is a price, "1.5" a decimal; both read as their value.
    const value = digits[2] !== undefined && rest === '' ? Number(`${digits[1]}.${digits[2]}`) : whole
    const ordinal = rest !== '' && rest !== 'mal' && rest !== 'h' && /^(?:st|nd|rd|th|\.|-?[а-я]{1,3}|[°ºª])$/.test(rest)
    return { value, ordinal: ordinal || (digits[2] === undefined && token.endsWith('.') && (lang === 'de' || lang === 'et')) }
  }
  for (const table of lang === 'en' ? [tables.en] : [tables[lang], tables.en]) {
    const cardinal = table.cardinals.get(token)
    if (cardinal !== undefined) return { value: cardinal, ordinal: false }
    const ordinal = table.ordinals.get(token)
    if (ordinal !== undefined) return { value: ordinal, ordinal: true }
  }
  if (lang === 'de') {
    if (token === 'anderthalb') return { value: 1.5, ordinal: false }
    if (token.endsWith('einhalb')) {
      const whole = tables.de.cardinals.get(token.slice(0, -'einhalb'.length))
      if (whole !== undefined) return { value: whole + 0.5, ordinal: false }
    }
    if (token.endsWith('mal')) {
      const times = tables.de.cardinals.get(token.slice(0, -'mal'.length))
      if (times !== undefined) return { value: times, ordinal: false }
    }
  }
  return undefined
}

const tokenSeparators = /[\s,;:!?()«»"„“”]+/

/** The first number in `phrase` (a matched piece of text), read as in `lang`. */
export function firstNumber(lang: Language, phrase: string): ParsedNumber | undefined {
  let article: ParsedNumber | undefined
  for (const token of phrase.split(tokenSeparators)) {
    if (token === '') continue
    const parsed = parseNumber(lang, token)
    if (!parsed) continue
    if (!articles.has(token)) return parsed
    article ??= parsed
  }
  return article
}

/** "1st", "2nd", "3rd", "4th", "11th", "22nd". */
export function englishOrdinal(n: number): string {
  const tens = n % 100
  if (tens >= 11 && tens <= 13) return `${n}th`
  const suffix = n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th'
  return `${n}${suffix}`
}
