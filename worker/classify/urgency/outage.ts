// Outage or no service ("no internet", "down", "no dial tone", "нет связи", "senza linea",
// "pole internetti", "kein Internet", "sin conexión"), and for how long: "since Monday", "3 days",
// "112 hours", "day 3", "третий день", "da 5 giorni", "kolm päeva", "seit Montag", "hace 3 días".
import type { Language, UrgencyReason } from '../types'
import { adjacentNegation, noNegation } from './negation'
import { firstNumber } from './numbers'
import { anyHit, definePhrases, hitsOf, type Reading } from './phrases'
import { outagePoints } from './points'

// Phrases that say the service is out. Each language also gets the "ongoing" phrases below.
const evidence: Record<Language, string> = {
  en: String.raw`
    (?:no|without|w/o) (?:any |the |my |our |home |mobile |cable |fixed |working )?(?:internet|service|signal|connection|connectivity|dial ?tone|data|wi-?fi|broadband|fibre|fiber|phone line|landline|line|tv|network|coverage|reception|phone)
    (?:lost|losing|lose) (?:the |my |our |all )?(?:internet|signal|connection|connectivity|dial ?tone|broadband|service|network|data|wi-?fi)
    (?:internet|service|signal|connection|connectivity|wi-?fi|broadband|fibre|fiber|network|line|landline|phone line|data|mobile data|tv|cable|router)(?:'s)?(?: (?:is|was|are|were|has|have|had|been|still|keeps|kept|went|gone|just|completely|totally|now|again|all|seems|to|be|being|itself)){0,4} (?:down|dead|out(?! of)|offline|gone|dropping|drops|dropped|not working|isn't working|stopped working|stopped|died|dies|dying|cut off)
    (?<=(?:still|been|be|it's|it is|it was|everything's|everything is)(?: still)? )(?:down|offline|dark|dead)
    (?<!(?:agents|operators|support|team|chat|they)(?: are| is| were)? )offline
    outages?(?! (?:map|updates?|page|status|report|notifications?|alerts?|tracker))
    blackout
    (?:network|service|fibre|fiber|line|node|mast|cable) (?:fault|failure|outage|problems?)
    (?:can't|cannot|can not|unable to|couldn't) (?:connect|get online|get a signal|make calls|get internet|get connected)
    dial ?tone
  `,
  ru: String.raw`
    (?:нет|нету) (?:ни )?(?:интернет\p{L}*|связи|сигнал\p{L}*|сети|телефон\p{L}*|телевидени\p{L}*|тв|гудка|мобильного интернета)
    ни интернет\p{L}*
    (?:без|потерял\p{L}*) (?:\p{L}+ )?(?:интернет\p{L}*|связи|сети|телефон\p{L}*|сигнал\p{L}*|тв)
    (?:интернет\p{L}*|связь|связи|телефон|линия|тв|сеть|сигнал|оптика|роутер|мобильный интернет)(?: (?:так|и|опять|снова|до|сих|пор|все|еще|уже|вообще|совсем|с|утра|вчера)){0,4} (?:нет|не работает|не работают|пропал\p{L}*|отключ\p{L}*|лежит|упал|умер|не появился|не ловит)
    (?:не работает|не работают|пропал\p{L}*|отключили|отрубили|упал)(?: \p{L}+){0,2} (?:интернет\p{L}*|связь|телефон\p{L}*|линия|тв|сеть|сигнал)
    сбо(?:й|я|е|ем|ю)
    авари\p{L}*
    неисправност\p{L}*
    ничего нет
  `,
  it: String.raw`
    (?:senza|niente|nessun[ao]?|manca(?:no)?|zero) (?:\p{L}+ )?(?:internet|connessione|linea|rete|segnale|servizio|telefono|fibra|wi-?fi|adsl|campo|dati|tv)
    (?:internet|linea|connessione|rete|fibra|telefono(?: fisso)?|wi-?fi|segnale|modem|esim|sim)(?: \p{L}+){0,3} (?:non (?:funziona|va|c'è|si connette)|è (?:down|isolat\p{L}*|mort[oa])|ha smesso di funzionare)
    non (?:funziona|va|c'è) (?:più )?(?:internet|la linea|la connessione|il telefono|la rete|il segnale)
    guast\p{L}*
    disservizi\p{L}*
    va e viene
    isolat[io]
  `,
  et: String.raw`
    (?:pole|ei ole|polnud|puudub|ilma|ei)(?: \p{L}+){0,3} (?:internet\p{L}*|ühendus\p{L}*|levi\p{L}*|teenus\p{L}*|signaal\p{L}*|\p{L}*telefon\p{L}*|liin\p{L}*|televisioon\p{L}*|side\p{L}*)
    (?:kaabel|mobiil|kodu|laua|püsi|mobiilne |kodune )?(?:internet\p{L}*|ühendus|levi|liin|telefon|teenus|side|ruuter)(?: \p{L}+){0,4} (?:ei tööta|ei toimi|pole|on maas|maas|vait|katki|kadunud|kadus|läinud|kinni)
    (?:kaabel|mobiil|laua)?(?:internetita|ühenduseta|levita|teenuseta|telefonita)
    rike\p{L}*
    rikke\p{L}*
    katkestus\p{L}*
    võrgukatkestus\p{L}*
    (?:midagi )?ei tööta
  `,
  de: String.raw`
    (?:kein|keine|keinen|ohne) (?:\p{L}+ )?(?:internet|verbindung|netz|empfang|signal|telefon|festnetz|dsl|wlan|freizeichen|dienst|anschluss|fernsehen|tv|daten|glasfaser)
    (?:netz|internet|groß|gross|total|glasfaser|dsl|festnetz|mobilfunk)?störung\p{L}*
    (?:netz|internet|total|glasfaser|dsl|mobilfunk)?ausf[aä]ll\p{L}*
    (?:internet|glasfaser|telefon|festnetz|leitung|verbindung|netz|wlan|dsl|anschluss|router)(?: \p{L}+){0,3} (?:tot|weg|ausgefallen|down|gestört|funktioniert nicht|geht nicht|läuft nicht)
  `,
  es: String.raw`
    (?:sin|ni) (?:\p{L}+ )?(?:internet|conexión|conexion|servicio|línea|linea|señal|senal|fibra|teléfono|telefono|red|tono|datos|wifi|cobertura|tele|tv)
    no (?:tengo|tenemos|hay|me funciona|funciona|va) (?:\p{L}+ )?(?:internet|conexión|línea|señal|servicio|red|tono|fibra|datos|wifi|cobertura)
    (?:internet|línea|linea|conexión|conexion|fibra|teléfono|telefono|wifi|señal|red|router|teleasistencia)(?: \p{L}+){0,3} no (?:funciona|va|tiene)
    (?:ya )?no funciona
    averí\p{L}*
    averia\p{L}*
    caída (?:del servicio|de la red|de internet|general)
    se (?:ha )?(?:caído|caido|cayó|cayo)
    corte de (?:internet|servicio|línea|fibra)
  `,
}

// "day 3", "третий день", "kolmas päev", "Tag 2", "tercer día", "112 hours and counting": said
// only of an outage that is still going.
const ongoing: Record<Language, string> = {
  en: String.raw`
    (?<!(?:on|from|since|by|until|before) )day (?:\d+|two|three|four|five|six|seven|eight|nine|ten)
    (?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th)) (?:day|straight day)
    (?:\d+|{NW}) (?:hours|days|weeks) (?:and counting|without|offline|with no|no internet|no service)
  `,
  ru: String.raw`
    (?:втор|трет|четверт|пят|шест|седьм|восьм|девят|десят)\p{L}{1,3} (?:день|сутки|дня)
    (?:\d+|{NW}) (?:час\p{L}*|дн\p{L}*|сут\p{L}*|недел\p{L}*) без
  `,
  it: String.raw`
    (?:second|terz|quart|quint|sest|settim|ottav|non|decim)o giorno
    giorno (?:\d+)
    (?:\d+|{NW}) (?:ore|giorni|settimane) (?:senza|offline)
  `,
  et: String.raw`
    (?:teine|teist|kolmas|kolmandat|neljas|neljandat|viies|viiendat|kuues|kuuendat|seitsmes|seitsmendat) päev\p{L}*
    päev (?:\d+)
    (?:\d+|{NW}) (?:tundi|päeva|nädalat) (?:ilma|ühenduseta|internetita)
  `,
  de: String.raw`
    tag (?:\d+|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn)
    (?:zweite|dritte|vierte|fünfte|sechste|siebte|achte)[nr]? tag
    (?:\d+|{NW}|achteinhalb|eineinhalb|zweieinhalb|dreieinhalb|anderthalb) (?:stunden|tage|wochen) (?:ohne|offline)
  `,
  es: String.raw`
    (?:segundo|tercer|tercero|cuarto|quinto|sexto|séptimo|septimo|octavo) día
    día (?:\d+)
    (?:\d+|{NW}) (?:horas|días|dias|semanas) (?:sin|offline)
  `,
}

const outagePhrases = definePhrases('outage', {
  en: [evidence.en, ongoing.en],
  ru: [evidence.ru, ongoing.ru],
  it: [evidence.it, ongoing.it],
  et: [evidence.et, ongoing.et],
  de: [evidence.de, ongoing.de],
  es: [evidence.es, ongoing.es],
})

export interface Duration {
  hours: number
  /** For the reason: "3 days", "112 h", "since Monday", "day 3". */
  label: string
  kind: 'amount' | 'day' | 'since'
}

// An amount of time: "3 days", "for a week", "112 hours", "два дня", "da 5 giorni", "kolm päeva",
// "seit 3 Tagen", "hace 3 días". The number is read from the hit, the unit from group 1.
const amounts: Record<Language, string> = {
  en: String.raw`
    (?:\d+(?:[.,]\d+)? ?|{NW} )(?:full |whole |straight |long )?(hours?|hrs?|h|days?|weeks?)(?! (?:of )?(?:working|business))
    (?<=(?<!(?:twice|once|per|every|times|within|in|next) )(?:a|an) )(?:full |whole |straight |long )?(hour|day|week)(?! (?:of )?(?:working|business))
  `,
  ru: String.raw`
    (?:\d+(?:[.,]\d+)? ?|{NW} )(?:целых |полных |уже )?(часа|часов|час|ч|день|дня|дней|дни|сутки|суток|неделю|недели|недель|неделя)
    (?<=(?:одну|одни|целую|целые|всю|уже) )(неделю|сутки)
    (неделя|неделю) без
  `,
  it: String.raw`
    (?:\d+(?:[.,]\d+)? ?|{NW} )(ore|ora|giorni|giorno|settimane|settimana)(?! lavorativ)
    (?<=(?<!(?:entro|tra|fra|ogni|in) )(?:un |una |un'))(ora|giorno|settimana)
  `,
  et: String.raw`
    (?:\d+(?:[.,]\d+)? ?|{NW} )(tundi|tund|tunni|tunde|ööpäeva|ööpäev|päeva|päev|päevad|nädalat|nädal|nädala)(?! jooksul)
  `,
  de: String.raw`
    (?:\d+(?:[.,]\d+)? ?|(?:{NW}|eineinhalb|zweieinhalb|dreieinhalb|viereinhalb|fünfeinhalb|sechseinhalb|siebeneinhalb|achteinhalb|neuneinhalb|zehneinhalb|anderthalb) )(stunden|stunde|std|h|tagen|tage|tag|wochen|woche)
    (?<=(?<!(?:in|innerhalb|binnen|pro|jede|alle) )(?:eine|einen|einem|einer) )(stunde|tag|woche)
  `,
  es: String.raw`
    (?:\d+(?:[.,]\d+)? ?|{NW} )(horas|hora|días|día|dias|dia|semanas|semana)(?! (?:hábiles|habiles|laborables))
    (?<=(?<!(?:en|cada|dentro de) )(?:un|una) )(hora|día|dia|semana)(?! (?:hábil|habil|laborable))
  `,
}

// Words right before an amount that make it a future, a frequency or a deadline, not a duration:
// "within 5 working days", "in 3 days", "twice a day", "entro 10 giorni", "через день".
const notDurations = new Set([
  'in', 'within', 'next', 'every', 'per', 'twice', 'once', 'times', 'through',
  'через', 'каждые', 'каждый', 'течение', 'раз', 'раза',
  'entro', 'tra', 'fra', 'ogni', 'volte',
  'iga', 'korda',
  'innerhalb', 'binnen', 'alle', 'jede', 'jeden', 'pro', 'mal',
  'en', 'cada', 'dentro', 'veces',
])

// The ordinal day of the outage: "day 3", "третий день", "quinto giorno", "kolmas päev".
const days: Record<Language, string> = {
  en: String.raw`(?<!(?:on|from|since|by|until|before) )day (?:\d+|two|three|four|five|six|seven|eight|nine|ten)(?! (?:working|business))
    (?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th)) (?:straight )?day`,
  ru: String.raw`(?:втор|трет|четверт|пят|шест|седьм|восьм|девят|десят)\p{L}{1,3} (?:день|сутки|дня)`,
  it: String.raw`(?:second|terz|quart|quint|sest|settim|ottav|non|decim)o giorno
    giorno \d+`,
  et: String.raw`(?:teine|teist|kolmas|kolmandat|neljas|neljandat|viies|viiendat|kuues|kuuendat|seitsmes|seitsmendat) päev\p{L}*
    päev \d+`,
  de: String.raw`tag (?:\d+|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn)
    (?:zweite|dritte|vierte|fünfte|sechste|siebte|achte)[nr]? tag`,
  es: String.raw`(?:segundo|tercer|tercero|cuarto|quinto|sexto|séptimo|septimo|octavo) día
    día \d+`,
}

// Since a day: "since Monday", "с понедельника", "da lunedì", "alates esmaspäevast",
// "laupäeva õhtust saati", "seit Montagmorgen", "desde el lunes", "since yesterday".
const sinces: Record<Language, string> = {
  en: String.raw`
    since (?:last |this past |early |late )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun)(?:'s)?
    since (?:the )?(?:weekend|day before yesterday|yesterday|last week)
    (?:went|gone|died|stopped|down|out) (?:on |last )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)
  `,
  ru: String.raw`
    со? (?:самого |прошлого |утра |вечера |ночи |обеда )?(?:понедельника|вторника|среды|четверга|пятницы|субботы|воскресенья)
    (?:пропал\p{L}*|отключил\p{L}*|отключ\p{L}*|упал|лежит|не работает|нет)(?: \p{L}+){0,2} в (?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)
    со? (?:вчера\p{L}*|позавчера\p{L}*|прошлой недели)
  `,
  it: String.raw`
    da (?:lunedì|lunedi|martedì|martedi|mercoledì|mercoledi|giovedì|giovedi|venerdì|venerdi|sabato|domenica)(?: scors[oa])?
    da (?:ieri|l'altro ieri|la settimana scorsa)
  `,
  et: String.raw`
    (?:esmaspäeva|teisipäeva|kolmapäeva|neljapäeva|reede|laupäeva|pühapäeva)(?:st| (?:hommiku|õhtu|öö|lõuna|pärastlõuna)st) saati
    alates (?:eelmisest )?(?:esmaspäeva|teisipäeva|kolmapäeva|neljapäeva|reede|laupäeva|pühapäeva)(?:st| (?:hommiku|õhtu|öö)st)
    (?:eilsest|eilest|eile õhtust|eile hommikust|üleeilsest|eelmisest nädalast) saati
    alates (?:eilsest|eilest|üleeilsest|eelmisest nädalast)
  `,
  de: String.raw`
    seit (?:dem |letztem |letzten |vergangenem )?(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag)(?:morgen|abend|nachmittag|mittag|nacht|früh|vormittag)?
    seit (?:gestern|vorgestern|dem wochenende|letzter woche)
  `,
  es: String.raw`
    desde (?:el )?(?:pasado )?(?:lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo)(?: pasado)?
    desde (?:ayer|anteayer|el fin de semana|la semana pasada)
  `,
}

const amountKind = 0
const dayKind = 1
const sinceKind = 2
const durationPhrases = definePhrases('duration', {
  en: [amounts.en, days.en, sinces.en],
  ru: [amounts.ru, days.ru, sinces.ru],
  it: [amounts.it, days.it, sinces.it],
  et: [amounts.et, days.et, sinces.et],
  de: [amounts.de, days.de, sinces.de],
  es: [amounts.es, days.es, sinces.es],
})

const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const

// Word starts of the days in all six languages (inflected forms share them), Sunday = 0.
const weekdayStems: readonly (readonly [string, number])[] = [
  ['monday', 1], ['tuesday', 2], ['wednesday', 3], ['thursday', 4], ['friday', 5], ['saturday', 6], ['sunday', 0],
  ['понедельн', 1], ['вторн', 2], ['сред', 3], ['четверг', 4], ['пятниц', 5], ['суббот', 6], ['воскресен', 0],
  ['luned', 1], ['marted', 2], ['mercoled', 3], ['gioved', 4], ['venerd', 5], ['sabat', 6], ['domenic', 0],
  ['esmaspäev', 1], ['teisipäev', 2], ['kolmapäev', 3], ['neljapäev', 4], ['reede', 5], ['laupäev', 6], ['pühapäev', 0],
  ['montag', 1], ['dienstag', 2], ['mittwoch', 3], ['donnerstag', 4], ['freitag', 5], ['samstag', 6], ['sonnabend', 6],
  ['sonntag', 0],
  ['lunes', 1], ['martes', 2], ['miércoles', 3], ['miercoles', 3], ['jueves', 4], ['viernes', 5], ['sábado', 6],
  ['sabado', 6], ['domingo', 0],
]
const weekdayShort = new Map<string, number>([
  ['mon', 1], ['tue', 2], ['tues', 2], ['wed', 3], ['thu', 4], ['thurs', 4], ['fri', 5], ['sat', 6], ['sun', 0],
])
const dayBeforeYesterday = /day before yesterday|позавчера|l'altro ieri|üleeil|vorgestern|anteayer/
const lastWeek = /last week|прошлой недели|settimana scorsa|eelmisest nädalast|letzter woche|semana pasada/
const yesterday = /yesterday|вчера|ieri|eile|gestern|ayer/
const weekend = /weekend|wochenende|fin de semana/

const hour = 3_600_000
const day = 24 * hour
const splitWords = /[\s,.;:!?()«»"„“”']+/

/** Hours from the start (00:00 UTC) of the latest `weekday` up to `now`; today's when it is today. */
function hoursSinceWeekday(weekday: number, now: Date): number {
  const back = (now.getUTCDay() - weekday + 7) % 7
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - back * day
  return Math.max(0, Math.floor((now.getTime() - midnight) / hour))
}

function weekdayOf(word: string): number | undefined {
  const short = weekdayShort.get(word)
  if (short !== undefined) return short
  for (const [stem, weekday] of weekdayStems) if (word.startsWith(stem)) return weekday
  return undefined
}

/** "since Monday" and its kin: yesterday and the like count whole days back, a weekday from its midnight. */
function readSince(phrase: string, now: Date): Duration | undefined {
  if (dayBeforeYesterday.test(phrase)) return { hours: 48, label: 'since the day before yesterday', kind: 'since' }
  if (lastWeek.test(phrase)) return { hours: 168, label: 'since last week', kind: 'since' }
  if (yesterday.test(phrase)) return { hours: 24, label: 'since yesterday', kind: 'since' }
  if (weekend.test(phrase)) return { hours: hoursSinceWeekday(6, now), label: 'since the weekend', kind: 'since' }
  for (const word of phrase.split(splitWords)) {
    const weekday = weekdayOf(word)
    if (weekday !== undefined) return { hours: hoursSinceWeekday(weekday, now), label: `since ${weekdayNames[weekday]}`, kind: 'since' }
  }
  return undefined
}

const hourUnit = /^(?:h|hours?|hrs?|час\p{L}*|ч|or[ae]|tun\p{L}*|stunden?|std|horas?)$/u
const weekUnit = /^(?:week|недел|settiman|nädal|woche|semana)/

function unitHours(unit: string): number {
  if (hourUnit.test(unit)) return 1
  if (weekUnit.test(unit)) return 168
  return 24
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, '')
}

function amountLabel(value: number, hours: number): string {
  if (hours === 1) return `${formatNumber(value)} h`
  if (hours === 168) return value === 1 ? '1 week' : `${formatNumber(value)} weeks`
  return value === 1 ? '1 day' : `${formatNumber(value)} days`
}

/** The word that ends right before `index`, lower-case, or ''. */
function wordBefore(text: string, index: number): string {
  let i = index - 1
  while (i >= 0 && text.charCodeAt(i) === 32) i--
  const end = i + 1
  while (i >= 0 && /[\p{L}\p{N}'-]/u.test(text[i] ?? '')) i--
  return text.slice(i + 1, end)
}

// Durations beyond this are read as a typo or a joke, not as an outage length (90 days).
const maxHours = 90 * 24

function longer(a: Duration | undefined, b: Duration | undefined): Duration | undefined {
  if (!a) return b
  if (!b) return a
  return b.hours > a.hours ? b : a
}

/**
 * The longest outage duration the text states, relative to `now` for "since Monday" (midnight UTC
 * of that day; today's if it is today, the lower bound). Undefined when it states none.
 * Meaningful only once `outage` has fired.
 */
export function parseOutageDuration(reading: Reading, now: Date): Duration | undefined {
  let best: Duration | undefined
  const text = reading.text
  for (const { kind, lang, match } of hitsOf(reading, durationPhrases, noNegation)) {
    if (kind === amountKind) {
      if (notDurations.has(wordBefore(text, match.index))) continue
      const unit = match[1]
      // "a week", "неделю без связи", "eine Woche": one, with no number said.
      const number = firstNumber(lang, match[0]) ?? { value: 1, ordinal: false }
      if (number.ordinal || unit === undefined || number.value <= 0) continue
      const perUnit = unitHours(unit)
      const hours = number.value * perUnit
      if (hours > maxHours) continue
      best = longer(best, { hours, label: amountLabel(number.value, perUnit), kind: 'amount' })
    } else if (kind === dayKind) {
      const number = firstNumber(lang, match[0])
      if (!number || number.value < 1 || number.value > 90) continue
      best = longer(best, { hours: (number.value - 1) * 24, label: `day ${number.value}`, kind: 'day' })
    } else if (kind === sinceKind) {
      best = longer(best, readSince(match[0], now))
    }
  }
  return best
}

function pointsFor(hours: number): number {
  for (const step of outagePoints) if (hours >= step.fromHours) return step.points
  return outagePoints[outagePoints.length - 1]?.points ?? 0
}

function reasonFor(duration: Duration | undefined): string {
  if (!duration) return 'outage'
  if (duration.kind === 'day') return `${duration.label} of outage`
  return `down ${duration.label}`
}

/** An outage signal for the text, its points scaled by how long the outage has lasted. */
export function outage(reading: Reading, now: Date): UrgencyReason | null {
  if (!anyHit(reading, outagePhrases, adjacentNegation)) return null
  const duration = parseOutageDuration(reading, now)
  return { signal: 'outage', points: pointsFor(duration?.hours ?? 0), reason: reasonFor(duration) }
}
