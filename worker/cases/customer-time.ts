// Times Earshot writes to customers ("back Thursday 26 November at 08:00 EET"): in the
// conventions of the customer's language, in the brand's zone, with the zone named so nobody
// has to guess whose 08:00 it is.

const locales: Readonly<Record<string, string>> = { en: 'en-GB', et: 'et-EE', ru: 'ru-RU', it: 'it-IT', de: 'de-DE', es: 'es-ES' }

export function customerTime(at: Date, language: string | null, timeZone: string): string {
  return new Intl.DateTimeFormat(locales[language ?? 'en'] ?? locales.en, {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(at)
}
