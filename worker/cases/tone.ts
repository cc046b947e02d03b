// Wording that makes a public reply read as defensive, blaming or dismissive. The composer shows
// these before an agent sends; a reply posted in public is read by everyone who follows the brand.
// Pure and dependency-free: the web app imports it as it is.

export interface ToneWarning {
  /** The words as they stand in the reply, so the composer can point at them. */
  phrase: string
  why: string
}

const blames = 'blames the customer'
const dismissive = 'sounds dismissive'
const impatient = 'sounds impatient, as if the customer should have listened'
const defensive = 'sounds defensive'
const policy = 'hides behind policy instead of helping'
const condescending = 'sounds condescending'

/**
 * Phrases as regular-expression source. A space matches any run of white space and an apostrophe
 * either apostrophe; matching ignores case and only whole words count.
 */
type Rule = readonly [phrase: string, why: string]

// "You should have received an email" and "you must have been frustrated" are fine; what follows
// tells telling-off from information or sympathy.
const notInformation = "(?! (?:received|got|gotten|been|a|an|the|your|access|it|them|this|that|now)(?![\\p{L}\\p{N}]))"

const rules: Readonly<Record<string, readonly Rule[]>> = {
  en: [
    [`you should(?: have|'ve)${notInformation}`, blames],
    [`you must have${notInformation}`, blames],
    ["you failed to", blames],
    ["you forgot to", blames],
    ["you didn't read", blames],
    ["(?<!not )(?<!n't )(?:it's |it is |that's |that is )?your (?:own )?fault", blames],
    ["user error", blames],
    ["(?:not|isn't|wasn't|aren't) our (?:fault|problem|responsibility)", defensive],
    ["we (?:are not|aren't|cannot be|can't be) (?:held )?responsible", defensive],
    ["as (?:i|we) (?:have |'ve )?(?:already|previously) (?:said|stated|explained|mentioned|told you)", impatient],
    ["as (?:i|we) said before", impatient],
    ["as (?:previously|already) (?:stated|mentioned|explained)", impatient],
    ["like i said", impatient],
    ["(?:there is|there's) nothing (?:more )?we can do", dismissive],
    ["calm down", dismissive],
    ["(?:that's|that is) just how it is", dismissive],
    ["our policy (?:clearly|states|is clear)", policy],
    ["(?:as )?per our (?:terms|policy|policies)", policy],
    ["obviously", condescending],
    ["as you (?:should )?know", condescending],
    ["you need to understand", condescending],
    ["with all due respect", condescending],
  ],
  et: [
    ["nagu (?:ma|ma juba|juba) (?:ütlesin|mainisin|kirjutasin)", impatient],
    ["(?:see )?(?:ei ole|pole) meie süü", defensive],
    ["(?:te|sa) oleks(?:ite|id)? pidanud(?! saama)", blames],
    ["(?<!(?:pole|ei ole) )teie (?:enda )?süü", blames],
    ["rahunege maha", dismissive],
    ["ilmselgelt", condescending],
  ],
  ru: [
    ["как (?:я|мы) уже (?:говорил[аи]?|писал[аи]?|объясня(?:л[аи]?|ли))", impatient],
    ["(?:это )?не наша вина", defensive],
    ["вы (?:сами )?должны были(?! (?:уже )?получить)", blames],
    ["сами виноваты", blames],
    ["успокойтесь", dismissive],
    ["мы ничего не можем (?:с этим )?сделать", dismissive],
    ["очевидно", condescending],
  ],
  it: [
    ["come (?:ho|abbiamo) già (?:detto|scritto|spiegato)", impatient],
    ["non è colpa nostra", defensive],
    // "Avrebbe dovuto" alone is as often the technician who should have come: only "you" counts.
    ["(?:avresti|avreste|lei avrebbe) dovuto(?! ricevere)", blames],
    ["(?:si calmi|calmati|stia calmo|stia calma)", dismissive],
    ["non possiamo fare (?:nulla|niente)", dismissive],
    ["ovviamente", condescending],
  ],
  de: [
    ["wie (?:bereits|schon) (?:erwähnt|gesagt|geschrieben|erklärt)", impatient],
    ["wie ich (?:bereits|schon) sagte", impatient],
    ["nicht unsere schuld", defensive],
    ["(?:sie hätten|du hättest)(?: (?!erhalten|bekommen)\\p{L}+){0,4} (?:sollen|müssen)", blames],
    ["selbst schuld", blames],
    ["beruhigen sie sich", dismissive],
    ["(?:laut|gemäß) unseren agb", policy],
    ["offensichtlich", condescending],
  ],
  es: [
    ["como ya (?:le |te |les )?(?:dije|dijimos|expliqué|hemos dicho)", impatient],
    ["no es (?:culpa nuestra|nuestra culpa)", defensive],
    ["(?:deberías|debiste|usted debería|usted debió) haber(?! recibido)", blames],
    ["(?:cálmese|cálmate|tranquilícese)", dismissive],
    ["no podemos hacer nada", dismissive],
    ["obviamente", condescending],
  ],
}

const compiled = new Map<string, RegExp[]>()

function patternsFor(language: string): RegExp[] {
  const known = compiled.get(language)
  if (known) return known
  const patterns = (rules[language] ?? []).map(([phrase]) => {
    const source = phrase.replaceAll(' ', '\\s+').replaceAll("'", "['’]")
    // \b knows only ASCII letters; these boundaries work for Estonian, Cyrillic and the rest.
    return new RegExp(`(?<![\\p{L}\\p{N}])(?:${source})(?![\\p{L}\\p{N}])`, 'giu')
  })
  compiled.set(language, patterns)
  return patterns
}

/**
 * The defensive, blaming or dismissive phrases in a reply, in the order they appear. With a
 * language, that language's phrases and English ones (care teams mix English in); without one,
 * every language's.
 */
export function toneWarnings(text: string, language?: string | null): ToneWarning[] {
  const languages = language ? [...new Set([language.toLowerCase(), 'en'])] : Object.keys(rules)
  const found: { start: number; end: number; warning: ToneWarning }[] = []
  for (const code of languages) {
    const list = rules[code] ?? []
    patternsFor(code).forEach((pattern, index) => {
      for (const match of text.matchAll(pattern)) {
        const start = match.index
        found.push({ start, end: start + match[0].length, warning: { phrase: match[0], why: list[index]![1] } })
      }
    })
  }
  // One warning per stretch of text: the longest phrase starting first wins over any inside it.
  found.sort((a, b) => a.start - b.start || b.end - a.end)
  const warnings: ToneWarning[] = []
  let covered = -1
  for (const item of found) {
    if (item.start < covered) continue
    warnings.push(item.warning)
    covered = item.end
  }
  return warnings
}
