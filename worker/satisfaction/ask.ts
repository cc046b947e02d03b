// The one-question satisfaction ask sent when a case is resolved, on the channel the care
// happened on. The same text must fit X, the strictest platform: 280 weighted characters, where
// any link counts as 23.
import { z } from 'zod'
import { primaryLanguage } from './language'

export const askPlaceholders = ['name', 'link'] as const
export type AskPlaceholder = (typeof askPlaceholders)[number]

/** X's limit for a post. */
export const askLengthLimit = 280
/** How X counts any link, whatever its length. */
export const linkLength = 23

/**
 * The default asks. `{name}` is left out when the customer's name is unknown, together with a
 * comma before it, so every greeting has to read well both ways ("Hi {name}," and "Hi,").
 * The scale is spelled out in words because in some school systems 1 is the best mark.
 */
export const defaultAsks: Readonly<Record<string, string>> = {
  en: 'Hi {name}, your case is resolved. How did we do? Reply with a score from 1 (poor) to 5 (excellent), or tap to rate: {link}',
  ru: 'Здравствуйте, {name}! Ваше обращение решено. Как мы справились? Ответьте оценкой от 1 (плохо) до 5 (отлично) или нажмите: {link}',
  it: 'Ciao {name}, la tua richiesta è stata risolta. Come siamo andati? Rispondi con un voto da 1 (pessimo) a 5 (ottimo) o vota qui: {link}',
  et: 'Tere, {name}! Teie pöördumine on lahendatud. Kuidas meil läks? Vastake hindega 1 (halb) kuni 5 (suurepärane) või hinnake siin: {link}',
  de: 'Hallo {name}, Ihr Anliegen ist erledigt. Wie zufrieden sind Sie? Antworten Sie mit 1 (unzufrieden) bis 5 (sehr zufrieden) oder bewerten Sie hier: {link}',
  fr: 'Bonjour {name}, votre demande est résolue. Êtes-vous satisfait ? Répondez par une note de 1 (mauvais) à 5 (excellent) ou notez-nous ici : {link}',
  es: 'Hola {name}, tu caso está resuelto. ¿Qué tal lo hicimos? Responde con una nota del 1 (mal) al 5 (excelente) o valóranos aquí: {link}',
  lv: 'Sveiki, {name}! Jūsu jautājums ir atrisināts. Kā mums veicās? Atbildiet ar vērtējumu no 1 (slikti) līdz 5 (izcili) vai novērtējiet šeit: {link}',
  lt: 'Sveiki, {name}! Jūsų klausimas išspręstas. Kaip mums sekėsi? Atsakykite įvertinimu nuo 1 (blogai) iki 5 (puikiai) arba įvertinkite čia: {link}',
  fi: 'Hei {name}! Asiasi on ratkaistu. Miten onnistuimme? Vastaa arvosanalla 1 (huono)–5 (erinomainen) tai arvioi tästä: {link}',
}

const placeholder = /\{([^{}]*)\}/g

function isPlaceholder(name: string): name is AskPlaceholder {
  return (askPlaceholders as readonly string[]).includes(name)
}

/**
 * Length as X counts it: a link is 23, and code points outside the ranges X weighs as one
 * (Latin, Cyrillic, Greek and the like, some punctuation) count two, emoji and CJK among them.
 */
export function postLength(text: string): number {
  let length = 0
  for (const char of text.replace(/https?:\/\/\S+/g, 'x'.repeat(linkLength))) {
    const code = char.codePointAt(0)!
    const light = code <= 0x10ff || (code >= 0x2000 && code <= 0x200d) || (code >= 0x2010 && code <= 0x201f) || (code >= 0x2032 && code <= 0x2037)
    length += light ? 1 : 2
  }
  return length
}

/** The longest an override can come out: its link at 23 and no name, which is dropped if need be. */
function longestPost(text: string): number {
  return postLength(fill(text, { name: null, link: 'https://' + 'x'.repeat(linkLength - 8) }))
}

/** One brand's ask in one language. */
export const satisfactionText = z
  .string()
  .trim()
  .min(10, 'must be at least 10 characters')
  .max(240, 'must be at most 240 characters')
  .superRefine((text, context) => {
    const seen = new Map<string, number>()
    for (const match of text.matchAll(placeholder)) {
      const name = match[1]!
      seen.set(name, (seen.get(name) ?? 0) + 1)
      if (!isPlaceholder(name)) {
        context.addIssue({ code: 'custom', message: `unknown placeholder {${name}}: only {name} and {link} can be filled in` })
      }
    }
    for (const name of askPlaceholders) {
      if ((seen.get(name) ?? 0) > 1) context.addIssue({ code: 'custom', message: `{${name}} may appear only once` })
    }
    if (longestPost(text) > askLengthLimit) {
      context.addIssue({ code: 'custom', message: `is too long to post on X: at most ${askLengthLimit} characters with the link counted as ${linkLength}` })
    }
  })

/**
 * A brand's own asks by two-letter language code; each wins over the default in its language.
 * `{link}` is optional, since a score given in a reply is read as well.
 */
export const satisfactionTexts = z.record(z.string().regex(/^[a-z]{2}$/, 'must be a two-letter language code such as "en"'), satisfactionText)
export type SatisfactionTexts = z.infer<typeof satisfactionTexts>

interface Values {
  name: string | null
  link: string
}

/** Fills both placeholders in one pass, so a name that looks like "{link}" stays text. */
function fill(text: string, values: Values): string {
  const named = values.name === null ? text.replace(/,?[^\S\n]*\{name\}/g, '') : text
  return named.replace(placeholder, (whole, name: string) => {
    if (name === 'link') return values.link
    if (name === 'name' && values.name !== null) return values.name
    return whole
  })
}

/** The text to use: the brand's, then the default, in the customer's language, then in English. */
function chooseText(language: string | null | undefined, overrides: Readonly<Record<string, string>>): string {
  const primary = primaryLanguage(language)
  const usable = (text: string | undefined) => text !== undefined && satisfactionText.safeParse(text).success
  for (const candidate of [primary === null ? undefined : overrides[primary], primary === null ? undefined : defaultAsks[primary], overrides.en]) {
    if (usable(candidate)) return candidate!.trim()
  }
  return defaultAsks.en!
}

export interface AskInput {
  language: string | null | undefined
  /** The customer's display name or handle, when there is one. */
  customerName?: string | null
  /** The one-click page for this ask. */
  link: string
  /** The brand's configured texts (`satisfactionTexts`). */
  overrides?: Readonly<Record<string, string>> | null
}

/** The ask's text, ready to post; a long name is left out rather than push it over X's limit. */
export function satisfactionAsk({ language, customerName, link, overrides }: AskInput): string {
  const text = chooseText(language, overrides ?? {})
  const name = customerName?.replace(/\s+/g, ' ').trim() || null
  const withName = fill(text, { name, link })
  return name !== null && postLength(withName) > askLengthLimit ? fill(text, { name: null, link }) : withName
}
