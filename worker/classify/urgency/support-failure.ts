// A complaint about support itself: nobody answers, on hold for ages, the call dropped, "24/7"
// that closes at night, the chatbot loop, passed around, automatic replies only
// ("никто не перезвонил", "nessuno risponde", "keegi ei vasta", "Warteschleife", "nadie contesta").
import type { Language, UrgencyReason } from '../types'
import { adjacentNegation } from './negation'
import { anyHit, definePhrases, perLanguage, type Reading } from './phrases'
import { supportFailurePoints } from './points'

const phrases: Record<Language, string> = {
  en: String.raw`
    (?:nobody|no one|noone)(?: \p{L}+){0,2} (?:answers|answered|replies|replied|responds|responded|called|calls|rang|came back|comes back|got back|gets back|picks up|picked up|has called|has come|has told|told me|told us|has replied|has answered|has contacted|has got back|is answering|cares)
    no (?:reply|replies|response|responses|answer|answers|call ?back|callback|human|humans|agents? available|one available|one answers)
    (?:nothing|heard nothing|haven't heard anything|not heard) back
    never (?:called|rang|got|replied|heard|phoned) back
    (?<=on )hold (?:for )?(?:\d+|hours|ages|an hour|over|forever|again)
    (?:\d+|{NW}) (?:minutes|mins|hours|hrs) on hold
    hold music
    (?:call|line) (?:dropped|was dropped|got dropped|cut off|disconnected|went dead)
    24/7
    24 ?x ?7
    (?:closed|closes) at (?:night|weekends?|\d)
    (?:line|shop|chat|support|department|hotline|helpline)(?: \p{L}+)? (?:was |is )?closed
    (?:agents|operators|support) (?:are |is |were )?offline
    (?:chat ?bot|bot)(?: \p{L}+)? (?:loop|asked|keeps|again|asks|sent|told)
    chat ?bot
    round and round
    passed (?:me )?(?:back|around|from pillar to post)
    (?:auto-?reply|auto-?replies|automatic (?:reply|replies|response|responses)|auto-?response|canned (?:reply|response))
    (?:can't|cannot|couldn't|unable to) (?:get through|reach anyone|reach anybody|speak to anyone|talk to anyone|get hold of)
    (?:talk|speak) to (?:a )?(?:human|real person|actual person|person)
    (?:ticket|case|complaint)(?: \p{L}+){0,3} no (?:reply|response|answer)
    (?:ignored|ignoring me|ghosted)
    waiting for (?:a |any )?(?:reply|response|answer|call ?back)
  `,
  ru: String.raw`
    никто(?: \p{L}+){0,2} (?:не )?(?:отвечает|ответил\p{L}*|перезвонил\p{L}*|позвонил\p{L}*|звонит|перезванивает|берет трубку)
    (?:не|так и не|ни разу не|ни разу и не) (?:ответили|перезвонили|отвечают|дозвониться|перезванивают)
    (?:с|со) {O} попытки
    (?:ожидани\p{L}*|жду|ждал\p{L}*|висел\p{L}*)(?: \p{L}+){0,2} \d+ минут
    висел\p{L}* на линии
    операторы недоступны
    оператор\p{L}*(?: \p{L}+)? недоступн\p{L}*
    (?:чат-?)?бот\p{L}{0,2}
    по кругу
    автоответ\p{L}*
    (?:с )?живым человеком
    24/7
    (?<=в )рабочее время
    отправляют(?: \p{L}+){0,3} (?:на|в) (?:горячую линию|салон)
    (?:нет|никакого) ответа
  `,
  it: String.raw`
    nessuno(?: \p{L}+){0,2} (?:risponde|ha risposto|richiama|mi ha richiamat\p{L}*|si è fatto sentire|mi ha contattat\p{L}*)
    (?:nessuna|zero) rispost\p{L}*
    (?:in attesa|attesa)(?: per)? (?:\d+|{NW}) minuti
    (?:tenut[oa]|lasciat[oa]) in attesa
    è caduta la linea
    rispost\p{L}* automatic\p{L}*
    assistente virtuale
    (?:parlare|parlo) con (?:una persona|un operatore|un essere umano|qualcuno)
    24/7
    non rispond\p{L}*
    chatbot
  `,
  et: String.raw`
    vastust (?:pole|ei ole|ei tulnud|pole tulnud)
    (?:pole|ei ole)(?: \p{L}+){0,2} vastust
    keegi(?: \p{L}+){0,2} (?:ei|pole)(?: \p{L}+){0,2} (?:vasta\p{L}*|helista\p{L}*|oska\p{L}*)
    ootejärjekor\p{L}*
    inimest ei tule
    vestlusrobot\p{L}*
    (?:jutu)?robot\p{L}*
    kas (?:kuskil|seal|teil) on (?:ka )?inimene
    (?:ühtegi|pole|ei) tagasihelistamis\p{L}*
    ööpäevaringne
    24/7
    automaatvastus\p{L}*
    vastus on alati
  `,
  de: String.raw`
    niemand(?: \p{L}+){0,2} (?:da|ruft|antwortet|meldet|geht ran|hebt ab|erreichbar)
    keine (?:antwort|rückmeldung|reaktion)
    kein rückruf
    warteschleife\p{L}*
    aufgelegt
    chatbot\p{L}*
    (?:warte|chatbot|bot|dauer|endlos)?schleife\p{L}*
    rund um die uhr
    24/7
    nicht erreichbar
    niemand zuständig
  `,
  es: String.raw`
    nadie(?: \p{L}+){0,2} (?:contesta|responde|llama|me llama|ha llamado|coge|me ha llamado)
    ni una llamada
    sin respuesta
    no (?:contestan|responden|me llaman|hay agentes)
    bot
    chatbot
    (?:hablar|hablo) con (?:una persona|alguien|un humano|un agente)
    24/7
    24 horas
    (?<=en )espera(?: \p{L}+)? (?:\d+|{NW}) minutos
    cierra a las
  `,
}

const supportFailurePhrases = definePhrases('support_failure', perLanguage(phrases, (patterns) => [patterns]))

/** A support-failure signal. */
export function supportFailure(reading: Reading): UrgencyReason | null {
  if (!anyHit(reading, supportFailurePhrases, adjacentNegation)) return null
  return { signal: 'support_failure', points: supportFailurePoints, reason: 'support failed' }
}
