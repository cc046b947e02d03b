// Repeat contact: the customer's earlier mentions on record, and what the text says ("4th time",
// "called 22 times", "22 calls", "writing again", "в пятый раз", "ennesima volta",
// "kirjutan jälle", "zum vierten Mal", "otra vez").
import type { CustomerHistory, Language, UrgencyReason } from '../types'
import { adjacentNegation } from './negation'
import { englishOrdinal, firstNumber } from './numbers'
import { definePhrases, hitsOf, perLanguage, type Reading } from './phrases'
import { repeatContactPoints } from './points'

interface Kinds {
  /** "4th message", "третье обращение", "terza volta": the ordinal is which contact this is. */
  ordinal: string
  /** "22 calls", "called 11 times", "звонил девять раз": a count of calls. */
  calls: string
  /** "three messages", "neli pöördumist": a count of other contacts. */
  contacts: string
  /** "writing again", "пишу ещё раз", "schreibe schon wieder": at least the second. */
  again: string
  /** "umpteenth time", "ennesima volta", "zum x-ten Mal": many. */
  many: string
}

const kinds: Record<Language, Kinds> = {
  en: {
    ordinal: String.raw`
      {O} time (?:i'm |i am |i've |i have |we're |we've )?(?:writing|written|asking|asked|calling|called|contacting|contacted|messaging|messaged|complaining|tweeting|tweeted|explaining|chasing|chased|emailing|emailed|reporting|reported|raising)
      (?<=(?:this is|it's|it is|that's|for) (?:the|my) ){O} time(?! (?:is|lucky|this|today|in a row|that it|it's|it has|the internet|the line|the service))
      {O} (?:message|call|phone call|contact|attempt|email|e-mail|complaint|request|tweet|post|chat|ticket|dm)
    `,
    calls: String.raw`
      call (?:number |no\.? |#)\d+
      (?:called|rang|phoned|dialled|dialed)(?: \p{L}+){0,2} (?:\d+|{NW}) times
      (?:\d+|{NW}) (?:phone )?calls
    `,
    contacts: String.raw`
      (?:contacted|messaged|emailed|tweeted|wrote|written|chased|complained|asked|sent|explained)(?: \p{L}+){0,3} (?:\d+|{NW}) times
      (?:\d+|{NW}) (?:messages|emails|e-mails|contacts|complaints|chats|tweets|dms)
    `,
    again: String.raw`
      (?:writing|write|asking|ask|calling|call|called|messaging|contacting|complaining|explaining|explain|chasing|tweeting|emailing|sending|sent|reporting|repeating)(?: \p{L}+){0,2} (?:again|once more)
      (?:again|yet again|once again),? (?:i'm |i am |i have to |i've |i |we're )?(?:writing|asking|calling|messaging|contacting|complaining|explaining|chasing|tweeting|emailing|sending|reporting)
      again and again
      (?<=(?:i|i've|we|to) )(?:keep|kept) (?:having to )?(?:explaining|repeating|asking|chasing|calling|writing)
      have to (?:explain|repeat) (?:it |everything |this )?(?:again|all over)
    `,
    many: String.raw`
      (?:umpteenth|hundredth|millionth|nth|n-th) time
      (?:hundredth|umpteenth) (?:call|message)
    `,
  },
  ru: {
    ordinal: String.raw`
      {O} (?:обращени\p{L}*|раз|раза|попытк\p{L}*|звон\p{L}*|сообщени\p{L}*|жалоб\p{L}*|письм\p{L}*|заявк\p{L}*)
    `,
    calls: String.raw`
      (?:звонил\p{L}*|звоню|набирал\p{L}*|дозванивал\p{L}*)(?: \p{L}+){0,2} (?:\d+|{NW}) (?:раз|раза)
      (?:\d+|{NW}) (?:звонк\p{L}*|звонков)
    `,
    contacts: String.raw`
      (?:писал\p{L}*|обращал\p{L}*|пишу|отправлял\p{L}*)(?: \p{L}+){0,2} (?:\d+|{NW}) (?:раз|раза)
      (?:\d+|{NW}) (?:обращени\p{L}*|сообщени\p{L}*|жалоб\p{L}*|писем|письма|заявок|заявки)
    `,
    again: String.raw`
      (?:пишу|звоню|обращаюсь|пишем|жалуюсь|отправляю|объясня\p{L}*|напоминаю|спрашиваю)(?: \p{L}+){0,2} (?:снова|опять|еще раз|заново|повторно)
      (?:снова|опять|еще раз|заново|повторно)(?: \p{L}+){0,2} (?:пишу|звоню|обращаюсь|пишем|жалуюсь|отправляю|объясня\p{L}*|напоминаю|спрашиваю)
    `,
    many: String.raw`
      (?:сотый|энный|n-ный|тысячный) раз
    `,
  },
  it: {
    ordinal: String.raw`
      {O} (?:volta|messaggio|telefonata|chiamata|segnalazione|reclamo|richiesta|tentativo|mail|email|e-mail|contatto|sollecito)
    `,
    calls: String.raw`
      (?:chiamato|telefonato)(?: \p{L}+){0,2} (?:\d+|{NW}) volte
      (?:\d+|{NW}) (?:telefonate|chiamate)
    `,
    contacts: String.raw`
      (?:scritto|contattato|segnalato|sollecitato)(?: \p{L}+){0,2} (?:\d+|{NW}) volte
      (?:\d+|{NW}) (?:messaggi|segnalazioni|reclami|email|mail|solleciti|tentativi)
    `,
    again: String.raw`
      (?:scrivo|chiamo|ricontatto|segnalo|ripeto|sollecito|mando|invio|chiedo)(?: \p{L}+){0,2} (?:di nuovo|ancora una volta|nuovamente)
      (?:di nuovo|ancora una volta|nuovamente)(?: \p{L}+){0,2} (?:scrivo|chiamo|ricontatto|segnalo|ripeto|sollecito|mando|invio|chiedo)
    `,
    many: String.raw`
      ennesima (?:volta|telefonata|chiamata|segnalazione|mail)
    `,
  },
  et: {
    ordinal: String.raw`
      {O} (?:korda|kord|pöördumi\p{L}*|kiri|kirja|kõne|kõnet|sõnum\p{L}*|kaebus\p{L}*|katse\p{L}*|päring\p{L}*|meeldetuletus\p{L}*)
    `,
    calls: String.raw`
      (?:helistasin|helistanud|helistan|helistame|helistasime)(?: \p{L}+){0,2} (?:\d+|{NW}) korda
      (?:\d+|{NW}) (?:kõnet|kõne)
    `,
    contacts: String.raw`
      (?:kirjutasin|kirjutanud|pöördusin|pöördunud|saatsin)(?: \p{L}+){0,2} (?:\d+|{NW}) korda
      (?:\d+|{NW}) (?:pöördumist|kirja|sõnumit|kaebust|meili|e-kirja)
    `,
    again: String.raw`
      (?:kirjutan|helistan|pöördun|küsin|saadan|kirjutame|küsime|meenutan)(?: \p{L}+){0,2} (?:jälle|uuesti|taas|järjekordselt)
      (?:jälle|uuesti|taas|järjekordselt)(?: \p{L}+){0,2} (?:kirjutan|helistan|pöördun|küsin|saadan|kirjutame|küsime|meenutan)
    `,
    many: String.raw`
      (?:sajandat|miljonendat|ennast) korda
    `,
  },
  de: {
    ordinal: String.raw`
      {O} (?:mal|anfrage|nachricht|kontaktversuch|anruf|versuch|beschwerde|e-mail|mail|ticket|meldung)
    `,
    calls: String.raw`
      (?:angerufen|telefoniert)(?: \p{L}+){0,2} (?:\d+|{NW}) ?mal
      (?:\d+|{NW}) ?mal (?:\p{L}+ )?(?:angerufen|telefoniert)
      {NW}mal (?:\p{L}+ )?(?:angerufen|telefoniert)
      (?:\d+|{NW}) (?:anrufe|anrufen|telefonate|telefonaten)
    `,
    contacts: String.raw`
      (?:geschrieben|gemeldet|nachgefragt|beschwert)(?: \p{L}+){0,2} (?:\d+|{NW}) ?mal
      (?:\d+|{NW}) ?mal (?:\p{L}+ )?(?:geschrieben|gemeldet|nachgefragt|beschwert)
      {NW}mal (?:\p{L}+ )?(?:geschrieben|gemeldet|nachgefragt|beschwert)
      (?:\d+|{NW}) (?:nachrichten|mails|e-mails|beschwerden|versuche|anfragen|tickets|kontaktversuche)
    `,
    again: String.raw`
      (?:schreibe|rufe|melde|frage|beschwere|schicke|sende|erkläre)(?: \p{L}+){0,3} (?:schon wieder|wieder|erneut|nochmal|noch einmal)
      (?:schon wieder|erneut|nochmal|noch einmal)(?: \p{L}+){0,2} (?:schreibe|rufe|melde|frage|beschwere|schicke|sende|erkläre)
    `,
    many: String.raw`
      (?:x-ten|zigsten|hundertsten|tausendsten|n-ten) mal
    `,
  },
  es: {
    ordinal: String.raw`
      {O} (?:vez|mensaje|llamada|queja|reclamación|reclamacion|intento|correo|contacto|solicitud|incidencia)
    `,
    calls: String.raw`
      (?:llamado|llamé|telefoneado)(?: \p{L}+){0,2} (?:\d+|{NW}) veces
      (?:\d+|{NW}) llamadas
    `,
    contacts: String.raw`
      (?:escrito|reclamado|contactado|escribí|reclamé)(?: \p{L}+){0,2} (?:\d+|{NW}) veces
      (?:\d+|{NW}) (?:mensajes|quejas|correos|reclamaciones|intentos|incidencias)
    `,
    again: String.raw`
      (?:escribo|llamo|reclamo|mando|envío|envio|explico|pregunto|repito)(?: \p{L}+){0,2} (?:otra vez|de nuevo|nuevamente)
      (?:otra vez|(?<=de )nuevo|nuevamente)(?: \p{L}+){0,2} (?:escribo|llamo|reclamo|mando|envío|envio|explico|pregunto|repito)
    `,
    many: String.raw`
      (?:enésima|centésima|milésima) vez
    `,
  },
}

const list = (k: Kinds) => [k.ordinal, k.calls, k.contacts, k.again, k.many]
const repeatPhrases = definePhrases('repeat_contact', perLanguage(kinds, list))
const ordinalKind = 0
const callsKind = 1
const againKind = 3
const manyKind = 4

// Which contact "again" and "umpteenth time" stand for.
const againContact = 2
const manyContact = 5

function pointsFor(contacts: number): number {
  for (const step of repeatContactPoints) if (contacts >= step.fromContacts) return step.points
  return 0
}

/**
 * Repeat contact: which contact this is, by the history's earlier mentions or the text, whichever
 * says more. Null for a first contact.
 */
export function repeatContact(reading: Reading, history: CustomerHistory): UrgencyReason | null {
  let contacts = history.earlierMentions > 0 ? history.earlierMentions + 1 : 0
  let reason = contacts > 0 ? `${englishOrdinal(contacts)} contact` : ''
  for (const { kind, lang, match } of hitsOf(reading, repeatPhrases, adjacentNegation)) {
    let count: number
    let said: string
    if (kind === againKind) {
      count = againContact
      said = 'repeat contact'
    } else if (kind === manyKind) {
      count = manyContact
      said = 'umpteenth contact'
    } else {
      const number = firstNumber(lang, match[0])
      if (!number || number.value < 2 || number.value > 200) continue
      count = number.value
      if (kind === ordinalKind) said = `${englishOrdinal(count)} contact`
      else said = kind === callsKind ? `${count} calls` : `${count} contacts`
    }
    if (count > contacts) {
      contacts = count
      reason = said
    }
  }
  if (contacts < 2) return null
  return { signal: 'repeat_contact', points: pointsFor(contacts), reason }
}
