// Churn threat: cancelling, terminating the contract, switching to a competitor ("switching to
// Elisa", "ухожу в Telia", "passo a Telia", "lähen Teliasse", "wechsle zu Telia", "me cambio a
// Telia"). Past cancellations ("I cancelled last month and you billed me") are money, not a
// threat, so past forms are left out; "not cancelling", "не собираюсь расторгать",
// "non voglio disdire", "ei lõpeta lepingut", "nicht kündigen", "no voy a cancelar" do not count.
//
// The competitors are the Estonian market's (Telia, Elisa, Tele2), where the demo brand sells.
import type { Language, UrgencyReason } from '../types'
import { intentNegation } from './negation'
import { anyHit, definePhrases, perLanguage, type Reading } from './phrases'
import { churnPoints } from './points'

const rivals = String.raw`(?:telia|elisa|tele2)`

const phrases: Record<Language, string> = {
  en: String.raw`
    cancel(?:ling|ing)?
    (?:terminate|terminating|termination of|end|ending|close|closing|quit|quitting) (?:my|our|the|this) (?:contract|account|subscription|service|plan|broadband|internet)
    (?:switch|switching|move|moving|go|going|port|porting|jump|jumping|leave|leaving|sign|signing|signed|booked|go over|going over|change|changing)(?: over| up)?(?: my \p{L}+| our \p{L}+)? (?:to|with|for) (?:${rivals}|another (?:provider|operator|carrier|network|isp|company)|a competitor|someone else|the competition)
    (?:leaving|leave|dumping|ditching|quit|quitting) (?:you|nordlink|this (?:provider|company|operator))
    (?:booked|ordered|joined|chose|choosing) ${rivals}
    ${rivals} (?:can|will|installed|quoted|offered|is offering|has offered)
    take my business elsewhere
    (?:won't|will not|not) be renewing
    not renewing
    (?<=(?:one|a|any) )reason to stay
    last chance before i
    (?:lost|losing|lose) (?:me|a customer|my business)
    port(?:ing)? (?:my|our) numbers? (?:out|away)
    (?:looking at|considering|thinking about|thinking of) (?:switching|other providers|leaving|${rivals})
    notice to cancel
    early termination
  `,
  ru: String.raw`
    расторг\p{L}*
    (?:ухожу|уйду|уходим|уйдем|перехожу|перейду|переходим|перейдем|переезжаю) (?:к|в|на)(?: \p{L}+)? (?:${rivals}|теле2|элис\p{L}*|тели\p{L}*|другому|другой|конкурент\p{L}*)
    (?:перенос|перенести|переношу|перенесу)(?: \p{L}+){0,2} (?:в|к) ${rivals}
    (?:договор|контракт) (?:с|в) ${rivals}
    отказ\p{L}* от (?:ваших )?услуг
    (?:сменю|поменяю|меняю|сменить|поменять) (?:оператора|провайдера)
    (?:другого|другому) (?:оператора|оператору|провайдера|провайдеру)
  `,
  it: String.raw`
    disdic\p{L}*
    disdir\p{L}*
    (?:chiesto|chiedo|chiederò|mando|invio|inviato|presento|presentato|fare|faccio|farò|voglio) (?:la )?disdetta
    (?:recesso|recedere)
    (?:passo|passerò|passare|passiamo|vado|andrò|cambio|migro|migrare) (?:a|ad|con|su) (?:${rivals}|un altro (?:operatore|gestore)|altro operatore|la concorrenza)
    (?:cambio|cambiare|cambierò) (?:operatore|gestore)
  `,
  et: String.raw`
    (?:lõpeta(?!sin|sime|tud|nud|ti)\p{L}*|katkesta(?!sin|sime|tud|nud|ti)\p{L}*|ütle\p{L}* üles)(?: \p{L}+){0,2} lepingu\p{L}*
    lepingu\p{L}*(?: \p{L}+){0,4} (?:lõpeta(?!sin|sime|tud|nud|ti)\p{L}*|katkesta(?!sin|sime|tud|nud|ti)\p{L}*|üles ütle\p{L}*)
    (?:lähen|läheme|kolin|kolime|vahetan|liigun|siirdun)(?: üle)?(?: \p{L}+)? (?:teliasse|elisasse|tele2-?(?:sse|te)|teise operaatori\p{L}*|konkurendi\p{L}*)
    (?:tellisin|tellin|tellime|võtan|liitun|sõlmisin|sõlmin)(?: \p{L}+){0,2} (?:elisa(?:st|lt|ga)?|telia(?:st|lt|ga)?|tele2)
    (?:telia|elisa)\p{L}* pakkumi\p{L}*
    operaatori\p{L}* vahetus\p{L}*
    loobun\p{L}*
  `,
  de: String.raw`
    kündig(?:e|en|ung|ungen)(?! ziehe ich zurück)
    sonderkündigung\p{L}*
    (?:wechsle|wechseln|wechsel|gehe|geh|ziehe)(?: \p{L}+)? (?:zu|zur|zum) (?:${rivals}|einem anderen anbieter|anderem anbieter|der konkurrenz)
    (?:bei|zu) ${rivals}(?: \p{L}+){0,2} (?:bestellt|unterschrieben|gewechselt|abgeschlossen|angemeldet)
    anbieter ?wechsel\p{L}*
    (?:vertrag|verträge)(?: \p{L}+){0,2} (?:beenden|auflösen)
  `,
  es: String.raw`
    (?:me )?(?:cambio|cambiaré|cambiare|paso|pasaré|voy|me voy|iré|porto|llevo) (?:a|con) (?:${rivals}|otra (?:compañía|compania|operadora|empresa)|otro operador|la competencia)
    (?:dar|darme|doy|me doy|daré|darnos) de baja
    baja del contrato
    cancel(?:ar|o|aré|are|aremos)
    rescind\p{L}*
    (?:mirando|viendo|buscando|estudiando) ofertas de (?:${rivals}|otras|otra)
    (?:firmado|firmo|firmaré|firmare|contratado|contrato) con ${rivals}
    portabilidad
  `,
}

const churnPhrases = definePhrases('churn', perLanguage(phrases, (patterns) => [patterns]))

/** A churn-threat signal. */
export function churn(reading: Reading): UrgencyReason | null {
  if (!anyHit(reading, churnPhrases, intentNegation)) return null
  return { signal: 'churn', points: churnPoints, reason: 'churn threat' }
}
