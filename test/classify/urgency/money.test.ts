// Money lost per language: double charges, refunds owed, bills after cancelling.
import { describe, expect, it } from 'vitest'
import type { Language } from '../../../worker/classify/types'
import { money } from '../../../worker/classify/urgency/money'
import { reading } from './read'

const fires = (text: string, lang: Language) => money(reading(text, lang)) !== null

describe('money', () => {
  it.each<[Language, string]>([
    ['en', 'You charged me twice this month.'],
    ['en', 'I cancelled last month and you’ve just charged me €34.90 again.'],
    ['en', 'Just got a €347 bill for "roaming data" from a weekend in Norway.'],
    ['en', 'Update: no refund yet.'],
    ['en', 'We lost about €600 in sales yesterday.'],
    ['ru', 'В этом месяце абонентскую плату списали дважды.'],
    ['ru', 'Как вернуть деньги?'],
    ['it', 'Mi avete addebitato due volte la bolletta di questo mese.'],
    ['it', 'Ancora nessun rimborso.'],
    ['et', 'Täna tuli uus arve 44,90 €, kuigi leping on lõpetatud.'],
    ['et', 'Nüüd tuli inkassofirmalt meeldetuletus võla kohta.'],
    ['de', 'Ihr habt die Routermiete doppelt abgebucht.'],
    ['de', 'Roamingrechnung über 289 € nach drei Tagen Zürich.'],
    ['es', 'Me habéis cobrado dos veces la factura de este mes.'],
    ['es', 'Si no me devolvéis el dinero esta semana, voy al TTJA.'],
  ])('fires in %s: %s', (lang, text) => {
    expect(fires(text, lang)).toBe(true)
  })

  it.each<[Language, string]>([
    ['en', '€3/month for a static IP is fair, thanks.'],
    ['en', 'How do I set a roaming spending cap on my account?'],
    ['ru', 'Как в приложении отключить автоплатёж?'],
    ['it', 'Come faccio a scaricare le fatture in PDF dall’app?'],
    ['et', 'Kuidas arvet e-postiga saada?'],
    ['de', 'Wo finde ich meine Rechnung in der App?'],
    ['es', '¿Cómo puedo cambiar la fecha de cobro de la factura?'],
  ])('stays quiet in %s: %s', (lang, text) => {
    expect(fires(text, lang)).toBe(false)
  })

  it('says "money lost"', () => {
    expect(money(reading('You charged me twice.', 'en'))).toEqual({ signal: 'money', points: 15, reason: 'money lost' })
  })
})
