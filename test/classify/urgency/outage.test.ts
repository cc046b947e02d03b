// Outage signals per language, and their durations read into hours.
import { describe, expect, it } from 'vitest'
import type { Language } from '../../../worker/classify/types'
import { outage, parseOutageDuration } from '../../../worker/classify/urgency/outage'
import { reading, wednesday } from './read'

const hoursOf = (text: string, lang: Language, now = wednesday) => parseOutageDuration(reading(text, lang), now)?.hours

describe('outage', () => {
  it.each<[Language, string]>([
    ['en', 'Internet has been down in Kalamaja since about 7 this morning. Is there an outage?'],
    ['en', 'Still no dial tone on the landline, and no signal on the TV box either.'],
    ['en', '@NordlinkCare #NoInternet again in Mustamäe, router restarted twice'],
    ['ru', 'В Ласнамяэ с утра нет ни интернета, ни телевидения. Что происходит?'],
    ['ru', 'У мамы третий день не работает домашний телефон.'],
    ['it', 'Niente internet a Kalamaja da stamattina. C’è un guasto in zona?'],
    ['it', 'Da ieri il suo telefono fisso non funziona.'],
    ['et', 'Paistu kandis pole laupäeva õhtust saati internetti ega lauatelefoni.'],
    ['et', 'Vanaema lauatelefon on juba mitu päeva vait.'],
    ['de', 'Unser Büro ist seit 7 Uhr offline. Gibt es eine Störung?'],
    ['de', 'Seit Montag kein Internet in Lasnamäe.'],
    ['es', 'Sin internet en Kalamaja desde las 7 de la mañana. ¿Hay una avería general?'],
    ['es', 'La fibra se ha caído otra vez en Kristiine.'],
  ])('fires in %s: %s', (lang, text) => {
    expect(outage(reading(text, lang), wednesday)?.signal).toBe('outage')
  })

  it.each<[Language, string]>([
    ['en', 'Any chance you’ll post outage updates here too, not just on X?'],
    ['en', 'Testing 5G in the Old Town: 780 Mbps down on Harju street. Not bad at all'],
    ['en', 'There is no outage in my area, I just want to ask about 5G.'],
    ['ru', 'Интернет снова работает, спасибо за быстрый ответ!'],
    ['it', 'Nessun guasto, il problema era il mio router. Grazie!'],
    ['et', 'Internet ja telefon töötavad jälle, aitäh!'],
    ['de', 'Keine Störung bei uns, alles läuft wieder. Danke!'],
    ['es', 'No hay ninguna avería, era mi router. ¡Gracias!'],
  ])('stays quiet in %s: %s', (lang, text) => {
    expect(outage(reading(text, lang), wednesday)).toBeNull()
  })

  it('scales its points with the duration and says it in the reason', () => {
    expect(outage(reading('No internet at home, any ETA?', 'en'), wednesday)).toEqual({ signal: 'outage', points: 15, reason: 'outage' })
    expect(outage(reading('No internet since yesterday', 'en'), wednesday)).toEqual({ signal: 'outage', points: 20, reason: 'down since yesterday' })
    expect(outage(reading('3 days without internet now', 'en'), wednesday)).toEqual({ signal: 'outage', points: 25, reason: 'down 3 days' })
    expect(outage(reading('112 hours and counting.', 'en'), wednesday)).toEqual({ signal: 'outage', points: 25, reason: 'down 112 h' })
    expect(outage(reading('Day 6 without a landline for Mum.', 'en'), wednesday)).toEqual({ signal: 'outage', points: 30, reason: 'day 6 of outage' })
    expect(outage(reading('Seit Montag kein Internet.', 'de'), wednesday)).toEqual({ signal: 'outage', points: 20, reason: 'down since Monday' })
  })
})

describe('outage durations', () => {
  it.each<[Language, string, number]>([
    ['en', 'Internet down since Monday', 63],
    ['en', '3 days without internet', 72],
    ['en', 'Three days without internet and nobody calls back', 72],
    ['en', 'No dial tone for a week now', 168],
    ['en', '112 hours without internet', 112],
    ['en', '14 hours without data abroad', 14],
    ['en', 'Day 3 without internet in Kalamaja', 48],
    ['en', 'The fibre outage is entering its fourth day', 72],
    ['ru', 'Два дня без интернета', 48],
    ['ru', '112 часов без связи', 112],
    ['ru', 'Третий день нет интернета', 48],
    ['ru', 'Уже четвёртые сутки без интернета', 72],
    ['ru', 'Интернет пропал в воскресенье вечером', 87],
    ['ru', 'Неделя без связи — это не услуга.', 168],
    ['it', 'Senza internet da 5 giorni', 120],
    ['it', 'Niente linea da lunedì', 63],
    ['it', 'Dieci ore senza connessione', 10],
    ['it', 'Secondo giorno senza internet', 24],
    ['et', 'Kolm päeva pole internetti', 72],
    ['et', 'Internet ei tööta alates esmaspäevast', 63],
    ['et', 'Pelgulinnas pole esmaspäeva hommikust saati internetti.', 63],
    ['et', '112 tundi ilma internetita ja lõppu ei paista.', 112],
    ['et', 'Neljas päev ilma internetita.', 72],
    ['de', 'Seit Montag kein Internet', 63],
    ['de', 'Seit 3 Tagen keine Verbindung', 72],
    ['de', 'Seit drei Tagen kein Internet', 72],
    ['de', 'Achteinhalb Stunden offline', 8.5],
    ['de', 'Tag 2. Tatsächlich: 27 Stunden und kein Termin.', 27],
    ['es', 'Sin internet desde el lunes', 63],
    ['es', 'Se cayó la fibra hace 3 días', 72],
    ['es', 'Cuatro días sin conexión y ocho llamadas', 96],
    ['es', 'Quinto día sin internet', 96],
  ])('%s: %s → %d h', (lang, text, hours) => {
    expect(hoursOf(text, lang)).toBe(hours)
  })

  it('counts "since Monday" from that Monday’s midnight (UTC) up to the post time', () => {
    expect(hoursOf('No internet since Monday', 'en', new Date('2025-03-10T09:30:00Z'))).toBe(9) // that Monday
    expect(hoursOf('No internet since Monday', 'en', new Date('2025-03-16T23:00:00Z'))).toBe(167) // the Sunday after
    expect(hoursOf('No internet since Saturday', 'en', new Date('2025-03-10T09:30:00Z'))).toBe(57)
  })

  it('does not read deadlines, frequencies or working days as a duration', () => {
    expect(hoursOf('No internet. They promised a technician within 5 working days.', 'en')).toBeUndefined()
    expect(hoursOf('No internet. A neighbour checks on her twice a day.', 'en')).toBeUndefined()
    expect(hoursOf('Niente internet e mi dicono di aspettare 10 giorni lavorativi.', 'it')).toBeUndefined()
    expect(hoursOf('Нет интернета, техник приедет в течение пяти рабочих дней.', 'ru')).toBeUndefined()
    expect(hoursOf('Sin internet; el técnico vendrá en tres horas.', 'es')).toBeUndefined()
  })

  it('takes the longest of several durations', () => {
    expect(hoursOf('Vertraglich zugesicherte Entstörzeit: 4 Stunden. Tatsächlich: 27 Stunden.', 'de')).toBe(27)
    expect(hoursOf('Day 2 without internet, 36 hours now', 'en')).toBe(36)
  })
})
