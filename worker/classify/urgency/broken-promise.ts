// Broken promise: promises on record that passed unkept, and what the text says ("you said it
// would be fixed by Friday", "you promised 18:00. Still nothing", "обещали ... ничего",
// "mi avevate detto che ... ancora niente", "lubasite ... internetti pole", "versprochen",
// "prometieron", "the technician never showed up").
//
// A promise mentioned on its own may still be open ("Marko promised the refund within 5 days,
// writing it down"): such a mention counts only when the text also says something is still not
// done. The strong phrases (a missed deadline, "was supposed to", "doveva venire") count alone.
import type { CustomerHistory, Language, UrgencyReason } from '../types'
import { adjacentNegation, noNegation } from './negation'
import { anyHit, definePhrases, kindsOf, perLanguage, type Reading } from './phrases'
import { brokenPromiseCap, brokenPromiseExtra, brokenPromisePoints } from './points'

interface Kinds {
  /** Says the promise was broken. */
  broken: string
  /** Mentions a promise; broken only if the text also says something is still not done. */
  promised: string
  /** "still", "nothing", "не", "ancora", "pole": something is still not done. */
  unkept: string
}

const kinds: Record<Language, Kinds> = {
  en: {
    broken: String.raw`
      (?<=(?:you|they|your (?:agent|engineer|technician|manager|team|colleague)|support|the agent)(?: had| have| all)? )(?:said|told me|told us|promised|guaranteed|swore|assured me)(?: me| us)?(?: that)? (?:it|this|the \p{L}+|someone|somebody|a technician|an engineer|they|you|he|she|we|i)(?: would|'d| was going to| were going to| will)
      (?<=(?:was|were|is) )(?:supposed|meant) to (?:be )?\p{L}+
      missed(?: (?:its|their|your|the|another|a|my|our|two|three|every))?(?: \p{L}+){0,2} (?:deadlines?|fix times?|repair times?|appointments?|promises?|slots?|dates?)
      broken promises?
      (?:new|another|third|fourth|yet another) (?:promise|deadline|eta|date)
      (?:never|didn't|did not|hasn't|has not) (?:show|showed|turn|turned) up
      no-show
      (?:promised|guaranteed)(?: \p{L}+){0,4} (?:but|and) (?:still|nothing|no)
    `,
    promised: String.raw`
      promised
      (?<=(?:a|the|your|their|another|new) )promises?
      guaranteed
      (?<=(?:you|they) )(?:said|told me)
    `,
    unkept: String.raw`
      still
      nothing
      missed
      never
      nobody
      no-?one
      yet
      passed
      again
      not (?:fixed|working|done|here|back|sorted|kept|come|arrived|happened|resolved|met|delivered|called|showed|turned)
      no (?:call|text|one|show|internet|signal|service|technician|engineer|update|word|sign|news|refund|change|fix)
      (?:wasn't|weren't|isn't|hasn't|haven't|didn't|hadn't)(?: \p{L}+)? (?:met|kept|fixed|done|come|arrived|happened|called|shown|showed|turned|delivered|resolved|working|here)
      another (?:pending|charge|debit|bill|invoice|delay)
    `,
  },
  ru: {
    broken: String.raw`
      (?:новый|очередной|третий) срок
      сроки(?: \p{L}+){0,3} (?:переносятся|перенесли|сорвали|сорваны)
      (?:так и не|никто не) (?:приехал|пришел|пришла|появился)
      обещали(?: \p{L}+){0,6} (?:но|а) (?:ничего|нет|так и)
    `,
    promised: String.raw`
      (?:по)?обещал\p{L}*
      (?:вы )?(?:уверяли|гарантировали),? что
    `,
    unkept: String.raw`
      ничего
      нет
      не(?: \p{L}+)? (?:починили|работает|пришел|приехал|позвонил|перезвонил|сделали|включили|появился|исправили|вернули)
      так и не
      до сих пор
      опять
      снова
      никто
      все еще
      по-прежнему
    `,
  },
  it: {
    broken: String.raw`
      (?:doveva|dovevano|dovrebbe|avrebbe dovuto|avrebbero dovuto)(?: \p{L}+){0,2} (?:venire|arrivare|passare|essere risolt\p{L}*|richiamar\p{L}*|chiamar\p{L}*|sistemar\p{L}*|riparar\p{L}*)
      mai (?:arrivat\p{L}*|venut\p{L}*|pervenut\p{L}*)
      non si è (?:visto|vista|presentato|presentata) nessuno
      (?:mi )?(?:avevate|avete|aveva|avevano) (?:detto|promesso|garantito|assicurato) che(?: \p{L}+){0,3} (?:sarebbe|sarebbero|avreste|avrebbe|sareste)
      scadenz\p{L}* (?:mancat\p{L}*|saltat\p{L}*|non rispettat\p{L}*)
    `,
    promised: String.raw`
      promess\p{L}*
      promett\p{L}*
      (?:mi )?(?:avevate|avete) detto
      garantit\p{L}*
    `,
    unkept: String.raw`
      ancora
      niente
      nessuno
      mai
      non(?: \p{L}+){0,2} (?:arrivat\p{L}*|venut\p{L}*|risolt\p{L}*|funziona|richiamat\p{L}*|fatto|visto|sistemat\p{L}*)
    `,
  },
  et: {
    broken: String.raw`
      (?:lubatud )?tähtaeg\p{L}* (?:on )?möödas
      möödas
      (?:lubatud|lubadus\p{L}*)(?: \p{L}+){0,3} (?:ei peetud|murtud|täitmata)
      (?:tehnik|tehnikut|keegi) ei (?:tulnud|ilmunud)
    `,
    promised: String.raw`
      lubasi\p{L}*
      lubati
      lubas
      lubatud
      lubatakse
      lubadus\p{L}*
      (?:ütlesite|öeldi|ütlesid),? et
    `,
    unkept: String.raw`
      ikka
      endiselt
      kordagi
      midagi ei
      ikka veel
      veel mitte
      (?:ei|pole)(?: \p{L}+)? (?:tööta|tulnud|toimi|parandatud|korras|helistanud|tehtud|midagi|tagasi)
      (?:internetti|ühendust|levi|teenust|vastust|midagi|telefoni) pole
    `,
  },
  de: {
    broken: String.raw`
      (?:sollte|sollten|hätte|hätten)(?: \p{L}+|\s\d+){0,6} (?:kommen|da sein|behoben|repariert|anrufen|zurückrufen|melden|erledigt|kommen sollen)
      geplatzt\p{L}*
      (?:wieder|erneut|schon wieder) kein (?:techniker|termin|rückruf)
      (?:nicht|niemand) (?:gekommen|erschienen)
      termin(?: \p{L}+){0,2} (?:verpasst|nicht eingehalten|abgesagt)
      (?:neuer|nächster|dritter) termin
    `,
    promised: String.raw`
      versproch\p{L}*
      zugesagt\p{L}*
      zugesichert\p{L}*
      garantiert
      hieß es
    `,
    unkept: String.raw`
      nicht(?: \p{L}+)? (?:gekommen|erschienen|behoben|repariert|erledigt|passiert|gemeldet|angerufen|zurückgerufen)
      kein(?:e|en)? (?:techniker|termin|rückruf|anruf|internet|verbindung)
      niemand
      nichts
      immer noch
      noch immer
      wieder
      weiterhin
    `,
  },
  es: {
    broken: String.raw`
      incumplid\p{L}*
      (?:dijisteis|dijeron|me dijeron|prometisteis|prometieron|asegurasteis|aseguraron) que(?: \p{L}+){0,3} (?:estaría|estaria|vendría|vendria|llamaría|llamaria|iban|iba|estarían)
      (?:nunca|no) (?:vino|llegó|llego|apareció|aparecio) (?:nadie|el técnico|el tecnico)
      (?:nuevo|otro) plazo
    `,
    promised: String.raw`
      promet\p{L}*
      promesa\p{L}*
      dijisteis
      garantiz\p{L}*
    `,
    unkept: String.raw`
      nada
      todavía
      todavia
      sigue
      nadie
      ni (?:una|un)
      no(?: \p{L}+)? (?:funciona|ha venido|vino|llegó|llego|han llamado|llaman|arreglado|está)
      aún no
      sin (?:internet|conexión|conexion|servicio|línea|linea|respuesta)
    `,
  },
}

const list = (k: Kinds) => [k.broken, k.promised]
const promisePhrases = definePhrases('broken_promise', perLanguage(kinds, list))
const brokenKind = 0
const promisedKind = 1
// Read only when a promise is mentioned.
const unkeptPhrases = definePhrases('broken_promise/unkept', {
  en: [kinds.en.unkept],
  ru: [kinds.ru.unkept],
  it: [kinds.it.unkept],
  et: [kinds.et.unkept],
  de: [kinds.de.unkept],
  es: [kinds.es.unkept],
})

function pointsFor(broken: number): number {
  return Math.min(brokenPromiseCap, brokenPromisePoints + brokenPromiseExtra * (broken - 1))
}

/** A broken-promise signal from the customer's history, or else from the text. */
export function brokenPromise(reading: Reading, history: CustomerHistory): UrgencyReason | null {
  if (history.brokenPromises > 0) {
    const n = history.brokenPromises
    return { signal: 'broken_promise', points: pointsFor(n), reason: n === 1 ? 'promise missed' : `${n} promises missed` }
  }
  const kinds = kindsOf(reading, promisePhrases, adjacentNegation)
  if (kinds & (1 << brokenKind)) return { signal: 'broken_promise', points: pointsFor(1), reason: 'promise missed' }
  // A promise mentioned: broken if anything in the text says it is still not done.
  if (kinds & (1 << promisedKind) && anyHit(reading, unkeptPhrases, noNegation)) {
    return { signal: 'broken_promise', points: pointsFor(1), reason: 'promise missed' }
  }
  return null
}
