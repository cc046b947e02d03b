// Tone warnings: defensive, blaming and dismissive wording is flagged, as written and with a
// reason; ordinary care wording that merely looks similar is not.
import { describe, expect, it } from 'vitest'
import { toneWarnings } from '../../worker/cases/tone'

const phrases = (text: string, language?: string | null) => toneWarnings(text, language).map((warning) => warning.phrase)

describe('toneWarnings in English', () => {
  it.each([
    ['You should have called us before the engineer came.', 'You should have', 'blames the customer'],
    ['As I already said, the router needs a reset.', 'As I already said', 'impatient'],
    ['As previously stated, the fee applies.', 'As previously stated', 'impatient'],
    ["That's not our fault, the cable was cut by the city.", 'not our fault', 'defensive'],
    ["It isn’t our fault the post was late.", 'isn’t our fault', 'defensive'],
    ["It isn't your fault? It is your fault.", 'It is your fault', 'blames the customer'],
    ['Our policy clearly says refunds take 30 days.', 'Our policy clearly', 'policy'],
    ['Please calm down, we are looking.', 'calm down', 'dismissive'],
    ['You failed to return the modem.', 'You failed to', 'blames the customer'],
    ["There's nothing we can do about it.", "There's nothing we can do", 'dismissive'],
    ['Per our terms, the contract renews.', 'Per our terms', 'policy'],
    ['You must have typed the password wrong.', 'You must have', 'blames the customer'],
    ['Obviously the outage affects streaming.', 'Obviously', 'condescending'],
    ["It's your fault for not paying on time.", "It's your fault", 'blames the customer'],
  ])('flags %j', (text, phrase, why) => {
    const warnings = toneWarnings(text, 'en')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.phrase).toBe(phrase)
    expect(warnings[0]!.why).toContain(why)
  })

  it.each([
    "Hi Mari, I'm Maria from Nordlink care and I'm on it.",
    'You should have received an email from us with the new PIN.',
    'You should have a new router by Friday.',
    'You must have been so frustrated, I am sorry.',
    "It's not your fault at all, the fault is on our side.",
    'This is clearly our mistake and I will fix it today.',
    'We will calm the queue down by adding staff.',
    'The unobviously named setting is under Advanced.',
    'Our policy changed last week, so let me check what applies to you.',
  ])('does not flag %j', (text) => {
    expect(toneWarnings(text, 'en')).toEqual([])
  })

  it('lists every phrase, in the order they appear, and one warning per stretch of text', () => {
    const text = "As I already said, there is nothing we can do. Obviously you should have read the contract; it's not our problem."
    expect(phrases(text)).toEqual(['As I already said', 'there is nothing we can do', 'Obviously', 'you should have', 'not our problem'])
  })

  it('needs whole words and allows any white space between them', () => {
    expect(phrases('calmdown')).toEqual([])
    expect(phrases('you\nfailed   to pay')).toEqual(['you\nfailed   to'])
  })
})

describe('toneWarnings in other languages', () => {
  it.each([
    ['et', 'Nagu ma juba ütlesin, ruuter tuleb taaskäivitada.', 'Nagu ma juba ütlesin'],
    ['et', 'See pole meie süü.', 'See pole meie süü'],
    ['et', 'Te oleksite pidanud meile helistama.', 'Te oleksite pidanud'],
    ['et', 'Rahunege maha, palun.', 'Rahunege maha'],
    ['ru', 'Как я уже говорил, роутер нужно перезагрузить.', 'Как я уже говорил'],
    ['ru', 'Это не наша вина.', 'Это не наша вина'],
    ['ru', 'Вы должны были позвонить раньше.', 'Вы должны были'],
    ['ru', 'Успокойтесь, пожалуйста.', 'Успокойтесь'],
    ['it', 'Come ho già detto, serve un riavvio.', 'Come ho già detto'],
    ['it', 'Non è colpa nostra.', 'Non è colpa nostra'],
    ['it', 'Avresti dovuto chiamarci.', 'Avresti dovuto'],
    ['it', 'Si calmi, per favore.', 'Si calmi'],
    ['de', 'Wie bereits erwähnt, dauert es drei Tage.', 'Wie bereits erwähnt'],
    ['de', 'Das ist nicht unsere Schuld.', 'nicht unsere Schuld'],
    ['de', 'Sie hätten uns früher anrufen sollen.', 'Sie hätten uns früher anrufen sollen'],
    ['de', 'Beruhigen Sie sich bitte.', 'Beruhigen Sie sich'],
    ['es', 'Como ya le dije, hay que reiniciar.', 'Como ya le dije'],
    ['es', 'No es culpa nuestra.', 'No es culpa nuestra'],
    ['es', 'Cálmese, por favor.', 'Cálmese'],
    ['es', 'No podemos hacer nada.', 'No podemos hacer nada'],
  ])('%s: flags %j', (language, text, phrase) => {
    expect(phrases(text, language)).toEqual([phrase])
    expect(toneWarnings(text, language)[0]!.why).not.toBe('')
  })

  it.each([
    ['et', 'See pole teie süü, viga oli meie võrgus.'],
    ['et', 'Te oleksite pidanud saama kirja eile.'],
    ['ru', 'Вы должны были получить письмо вчера.'],
    ['ru', 'Спасибо, что написали, я уже проверяю.'],
    ['it', 'Il tecnico avrebbe dovuto chiamarla, mi scusi.'],
    ['de', 'Sie hätten eine E-Mail erhalten sollen.'],
    ['es', 'Debería haber recibido un correo.'],
  ])('%s: does not flag %j', (language, text) => {
    expect(toneWarnings(text, language)).toEqual([])
  })

  it('checks English too when the reply is in another language, and every language when none is given', () => {
    expect(phrases('Ilmselgelt. Calm down.', 'et')).toEqual(['Ilmselgelt', 'Calm down'])
    expect(phrases('Это не наша вина. Obviously.', null)).toEqual(['Это не наша вина', 'Obviously'])
    expect(phrases('Это не наша вина.', 'de')).toEqual([])
  })
})
