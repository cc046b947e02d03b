// Regulator, legal, press and petition threats per language; negated ones do not count.
import { describe, expect, it } from 'vitest'
import type { Language } from '../../../worker/classify/types'
import { regulator } from '../../../worker/classify/urgency/regulator'
import { reading } from './read'

const reasonOf = (text: string, lang: Language) => regulator(reading(text, lang))?.reason

describe('regulator', () => {
  it.each<[Language, string, string]>([
    ['en', 'Filing a complaint with TTJA today.', 'regulator'],
    ['en', 'If this isn’t corrected by Friday, it goes to the ombudsman.', 'regulator'],
    ['en', 'My lawyer will be in touch about the early termination fee.', 'legal threat'],
    ['en', 'Fix it or I will sue.', 'legal threat'],
    ['en', 'Sending all of this to the press.', 'press'],
    ['en', 'Petition for automatic compensation: 1,200 signatures in a day.', 'petition'],
    ['ru', 'Пишу жалобу в Роскомнадзор.', 'regulator'],
    ['ru', 'Передал всю переписку юристу, посмотрим, что он скажет.', 'legal threat'],
    ['ru', 'Если не почините, подам в суд.', 'legal threat'],
    ['it', 'Ho scritto al Codacons.', 'regulator'],
    ['it', 'Se entro lunedì non ho una soluzione, mi rivolgo a un avvocato.', 'legal threat'],
    ['it', 'Ho scritto a un giornalista di Baltic Tech Report.', 'press'],
    ['et', 'Esitasin kaebuse Tarbijakaitse ja Tehnilise Järelevalve Ametile.', 'regulator'],
    ['et', 'Annan asja juristile üle.', 'legal threat'],
    ['de', 'Ich melde das der Bundesnetzagentur.', 'regulator'],
    ['de', 'Unser Anwalt prüft die Vertragsstrafe.', 'legal threat'],
    ['de', 'Dann geht das an die Presse.', 'press'],
    ['es', 'Voy a poner una reclamación ante FACUA.', 'regulator'],
    ['es', 'Hablaré con mi abogado.', 'legal threat'],
    ['es', 'Mañana hablo con la prensa.', 'press'],
  ])('%s: %s → %s', (lang, text, reason) => {
    expect(reasonOf(text, lang)).toBe(reason)
  })

  it.each<[Language, string]>([
    ['en', 'No lawyer needed, just fix the line please.'],
    ['en', 'I’m not going to the regulator, I just want my internet back.'],
    ['en', 'I don’t want to involve a lawyer over this.'],
    ['en', 'The phone menu says press 1 for billing.'],
    ['en', 'Saw your post on social media, thanks.'],
    ['ru', 'Юрист не нужен, просто почините.'],
    ['ru', 'Я не собираюсь идти в суд, просто верните связь.'],
    ['it', 'Non voglio fare causa, voglio solo la linea.'],
    ['it', 'Ho chiamato a causa di un guasto.'],
    ['et', 'Advokaati pole vaja, parandage lihtsalt ära.'],
    ['et', 'Minu kohustus on arve maksta.'],
    ['de', 'Ich brauche keinen Anwalt, nur Internet.'],
    ['de', 'Ich gehe nicht zur Verbraucherzentrale, keine Sorge.'],
    ['es', 'No necesito un abogado, solo que funcione.'],
    ['es', 'Hay mucha demanda de fibra en el barrio.'],
  ])('stays quiet in %s: %s', (lang, text) => {
    expect(reasonOf(text, lang)).toBeUndefined()
  })

  it('names every kind in one reason, with a little more for more than one', () => {
    expect(regulator(reading('Sending them to TTJA and to the press.', 'en'))).toEqual({ signal: 'regulator', points: 40, reason: 'regulator + press' })
    expect(regulator(reading('Unser Anwalt prüft das, und wir melden den Vorfall beim TTJA.', 'de'))).toEqual({
      signal: 'regulator',
      points: 40,
      reason: 'regulator + legal threat',
    })
    expect(regulator(reading('Filing a complaint with TTJA today.', 'en'))?.points).toBe(35)
    expect(regulator(reading('Sending this to the press.', 'en'))?.points).toBe(30)
  })

  it('reads English mixed into another language', () => {
    expect(reasonOf('Если не почините до пятницы, мой lawyer напишет вам.', 'ru')).toBe('legal threat')
  })
})
