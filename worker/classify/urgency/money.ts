// Money lost: double charged, refunds owed, overcharged, billed after cancelling, a roaming bill,
// lost sales, debt collectors ("списали дважды", "addebitato due volte", "uus arve", "doppelt
// abgebucht", "cobrado dos veces"). No negation: "no refund yet" is money still lost.
import type { Language, UrgencyReason } from '../types'
import { noNegation } from './negation'
import { anyHit, definePhrases, perLanguage, type Reading } from './phrases'
import { moneyPoints } from './points'

const amount = String.raw`(?:€ ?\d[\d.,]*|\d[\d.,]* ?(?:€|eur|euro|euros|евро))`
// At the start of a phrase the € cannot be part of the match (phrases start at words).
const leadingAmount = String.raw`(?:(?<=€ ?)\d[\d.,]*|\d[\d.,]* ?(?:€|eur|euro|euros|евро))`

const phrases: Record<Language, string> = {
  en: String.raw`
    double[- ]?(?:charged|billed)
    (?:charged|billed|debited|invoiced)(?: me| us)?(?: \S+)? (?:twice|double|again|two times)
    overcharg\p{L}*
    over-charg\p{L}*
    refund\p{L}*
    money back
    (?:wrong|incorrect|inflated|huge|shock|massive) (?:bill|invoice|charge)s?
    bill shock
    roaming (?:bill|charges?|fees?|data bill)
    ${leadingAmount} (?:bill|charge|invoice|debit)
    (?:bill|invoice|charge|debit)s? (?:for|of) ${amount}
    (?:unauthori[sz]ed|duplicate|double|extra|second) (?:charge|payment|debit|transaction|direct debit)s?
    (?:another|new|brand new)(?: \p{L}+)? (?:invoice|bill|charge|debit|payment)
    pending ${amount}
    (?:lost|losing) (?:about |around |over |nearly |almost )?${amount}
    lost(?: \p{L}+){0,2} (?:sales|income|revenue|earnings|business)
    (?:early )?termination fee
    (?:charged|billed|invoiced|debited|charging|billing)(?: me| us)? (?:for|after)(?: \p{L}+){0,3} (?:cancel\p{L}*|days|service i|nothing)
    still (?:billing|charging|debiting)
    compensation
    credit note
    disput\p{L}*
  `,
  ru: String.raw`
    списал\p{L}*(?: \p{L}+){0,2} (?:дважды|два раза|повторно|лишн\p{L}*)
    (?:дважды|два раза|повторно) списал\p{L}*
    двойн\p{L}* (?:списани\p{L}*|оплат\p{L}*|платеж\p{L}*)
    (?:два|двух|лишн\p{L}*|третий|повторн\p{L}*) (?:списани\p{L}*|платеж\p{L}*)
    (?:вернуть|верните|вернете) (?:мне )?деньги
    возврат\p{L}*
    переплат\p{L}*
    перерасчет\p{L}*
    сч(?:ет|ета) (?:за роуминг|на ${amount}|на \d+)
    (?:роуминг\p{L}*)(?: \p{L}+){0,2} ${amount}
    не (?:подключал\p{L}*|заказывал\p{L}*)
    компенсаци\p{L}*
    долг\p{L}*
    коллектор\p{L}*
  `,
  it: String.raw`
    (?:addebitat\p{L}*|fatto pagare)(?: \p{L}+){0,3} due volte
    due volte(?: \p{L}+){0,2} (?:addebit\p{L}*|pagat\p{L}*)
    doppi\p{L}* (?:addebit\p{L}*|pagament\p{L}*)
    (?:entrambi gli|altro|un altro|nuovo) addebit\p{L}*
    addebit\p{L}* (?:in sospeso|non autorizzat\p{L}*|errat\p{L}*)
    rimbors\p{L}*
    soldi
    (?:un'altra|nuova|altra) (?:fattura|bolletta)
    (?:fattura|bolletta) (?:sbagliata|errata|gonfiata|pazzesca)
    penale
    (?:fattura|bolletta|costi?|addebit\p{L}*)(?: \p{L}+){0,2} (?:del |di )?roaming
    costi (?:extra|aggiuntivi|nascosti)
    risarciment\p{L}*
    indennizz\p{L}*
  `,
  et: String.raw`
    topelt\p{L}*
    kaks korda(?: \p{L}+){0,2} (?:maks\p{L}*|arve\p{L}*|võet\p{L}*|võtnud)
    raha tagasi
    tagasimakse\p{L}*
    hüvit\p{L}*
    (?:uus|veel üks|järjekordne|teine) arve
    arve ${amount}
    inkasso\p{L}*
    võla\p{L}*
    võlg
    ülemakse\p{L}*
    rändlus(?:arve|tasu)\p{L}*
    leppetrahv\p{L}*
    arvel on
    tasu täies ulatuses
  `,
  de: String.raw`
    doppelt(?: \p{L}+){0,2} (?:berechnet|abgebucht|bezahlt|kassiert)
    (?:berechnet|berechnen|abgebucht)(?: \p{L}+){0,6} doppelt
    zweimal(?: \p{L}+)? (?:abgebucht|berechnet)
    rückerstatt\p{L}*
    erstatt\p{L}*
    geld zurück
    gutschrift\p{L}*
    roaming(?:rechnung|kosten|gebühren)\p{L}*
    (?:rechnung|abbuchung|lastschrift) (?:über|von) ${amount}
    rechnung für den ganzen
    (?:neue|noch eine|weitere) rechnung
    zu viel berechnet
    überhöht\p{L}*
    kostenwarnung
    entschädigung\p{L}*
  `,
  es: String.raw`
    cobrad\p{L}*(?: \p{L}+){0,4} dos veces
    dos veces(?: \p{L}+){0,2} cobr\p{L}*
    (?:doble|dos) (?:cargo|cobro)s?
    cargos? duplicad\p{L}*
    cobro indebido
    (?:devolv\p{L}*|devuelv\p{L}*)(?: el| mi| mis)? (?:dinero|importe)
    devolución
    reembols\p{L}*
    factura (?:de|del) roaming
    roaming(?: \p{L}+){0,2} (?:factura|cargo|cobro)
    compensación
    indemnizaci\p{L}*
    penalizaci\p{L}*
  `,
}

const moneyPhrases = definePhrases('money', perLanguage(phrases, (patterns) => [patterns]))

/** A money-lost signal. */
export function money(reading: Reading): UrgencyReason | null {
  if (!anyHit(reading, moneyPhrases, noNegation)) return null
  return { signal: 'money', points: moneyPoints, reason: 'money lost' }
}
