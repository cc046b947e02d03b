// The automatic acknowledgement a customer gets when nobody is on shift. It must be honest: it
// names the real time a person will be back, never "we'll get back to you shortly" at 2 a.m.
import { customerTime } from './customer-time'

const templates: Record<string, { back: (when: string) => string; unknown: string }> = {
  en: {
    back: (when) => `Thanks for telling us. Our care team is away right now and back ${when}; the first person in will pick up your message.`,
    unknown: 'Thanks for telling us. Our care team is away right now; your message is first in line when they are back.',
  },
  et: {
    back: (when) => `Aitäh, et andsite teada. Meie klienditugi on praegu eemal ja tagasi ${when}; esimene kolleeg võtab teie sõnumi kohe ette.`,
    unknown: 'Aitäh, et andsite teada. Meie klienditugi on praegu eemal; teie sõnum on järjekorras esimene.',
  },
  ru: {
    back: (when) => `Спасибо, что написали. Сейчас наша служба поддержки не работает и вернётся ${when}; первый же сотрудник займётся вашим сообщением.`,
    unknown: 'Спасибо, что написали. Сейчас наша служба поддержки не работает; ваше сообщение будет первым в очереди.',
  },
  it: {
    back: (when) => `Grazie per la segnalazione. Il nostro servizio clienti ora non è presente e torna ${when}; la prima persona in servizio prenderà in carico il suo messaggio.`,
    unknown: 'Grazie per la segnalazione. Il nostro servizio clienti ora non è presente; il suo messaggio sarà il primo in coda.',
  },
  de: {
    back: (when) => `Danke für Ihre Nachricht. Unser Kundenservice ist gerade nicht besetzt und ab ${when} wieder da; die erste Person im Dienst übernimmt Ihr Anliegen.`,
    unknown: 'Danke für Ihre Nachricht. Unser Kundenservice ist gerade nicht besetzt; Ihr Anliegen ist als Erstes an der Reihe.',
  },
  es: {
    back: (when) => `Gracias por avisarnos. Nuestro equipo de atención no está ahora y vuelve ${when}; la primera persona de turno atenderá su mensaje.`,
    unknown: 'Gracias por avisarnos. Nuestro equipo de atención no está ahora; su mensaje será el primero en la cola.',
  },
}

/** The acknowledgement in the customer's language (English otherwise), with the next staffed time in the brand's zone. */
export function acknowledgementText(language: string | null, nextStaffedAt: Date | null, timeZone: string): string {
  const known = language !== null && language in templates
  const template = templates[known ? language : 'en']!
  if (nextStaffedAt === null) return template.unknown
  return template.back(customerTime(nextStaffedAt, known ? language : 'en', timeZone))
}
