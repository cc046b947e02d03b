import { describe, expect, it } from 'vitest'
import { detectLanguage, languageFromHint } from '../../worker/classify/language'
import ngramData from '../../worker/classify/lexicons/language-ngrams.json' with { type: 'json' }
import demoMentions from '../../worker/sources/demo/mentions.json' with { type: 'json' }

// Short posts as customers write them, several very short.
const samples: Record<string, string[]> = {
  en: [
    'thanks!',
    'still no internet',
    'not working again',
    'worst service ever',
    'fixed, thank you!!',
    'my bill is wrong',
    'been on hold for an hour',
    '@NordlinkCare you charged me twice',
    'the technician never showed up',
    "can't log in to my account",
    'sooo slow today',
    'hello',
  ],
  ru: [
    'не работает',
    'спасибо!',
    'опять нет интернета',
    'когда почините?',
    'ужасный сервис',
    'всё заработало, спасибо',
    '@NordlinkCare деньги списали дважды',
    'мастер так и не пришёл',
    'ок',
    '@NordlinkCare в Ласнамяэ с утра нет интернета',
  ],
  et: [
    'ei tööta',
    'aitäh!',
    'tere',
    'jälle pole internetti',
    'millal parandate?',
    'kohutav teenindus',
    'kõik töötab, tänan',
    '@NordlinkCare raha võeti kaks korda maha',
    'keegi ei vasta',
    'väga aeglane internet',
    'tehnik ei tulnudki',
    'kus on mu arve?',
  ],
  de: [
    'geht nicht',
    'danke!',
    'schon wieder kein Internet',
    'wann wird das repariert?',
    'alles funktioniert wieder, danke',
    'der Techniker ist nicht gekommen',
    'ich kann mich nicht einloggen',
    'gibt es eine Störung?',
    'läuft wieder',
  ],
  it: [
    'non funziona',
    'grazie!',
    'di nuovo senza internet',
    'servizio pessimo',
    'mi avete addebitato due volte',
    'il tecnico non è venuto',
    "c'è un guasto?",
    'rivoglio i miei soldi',
    'funziona di nuovo',
  ],
  es: [
    'no funciona',
    '¡gracias!',
    'otra vez sin internet',
    '¿cuándo lo arreglan?',
    'me cobraron dos veces',
    'el técnico nunca vino',
    'no puedo entrar en mi cuenta',
    '¿hay una avería?',
    'muy bien',
  ],
}

describe('detectLanguage', () => {
  for (const [language, texts] of Object.entries(samples)) {
    it.each(texts)(`detects ${language}: %s`, (text) => {
      expect(detectLanguage(text)).toBe(language)
    })
  }

  it('detects the demo posts (349, all six languages) correctly', () => {
    const wrong = demoMentions.filter((m) => detectLanguage(m.text) !== m.lang).map((m) => `${m.lang}: ${m.text}`)
    expect(wrong).toEqual([])
  })

  it('lets the platform hint win when it names one of our languages', () => {
    expect(detectLanguage('ei tööta', 'en')).toBe('en')
    expect(detectLanguage('the internet is down', 'et-EE')).toBe('et')
    expect(detectLanguage('не работает', 'DE')).toBe('de')
    expect(detectLanguage('', 'ru')).toBe('ru')
    expect(detectLanguage('😡😡', 'it')).toBe('it')
  })

  it('ignores hints that are not ours and reads the text', () => {
    expect(detectLanguage('ei tööta', 'fi')).toBe('et')
    expect(detectLanguage('не работает', 'und')).toBe('ru')
    expect(detectLanguage('still no internet', '')).toBe('en')
    expect(detectLanguage('still no internet', null)).toBe('en')
  })

  it('calls text without letters other', () => {
    expect(detectLanguage('')).toBe('other')
    expect(detectLanguage('😡😡😡')).toBe('other')
    expect(detectLanguage('👍')).toBe('other')
    expect(detectLanguage('12345 !!!')).toBe('other')
    expect(detectLanguage('@NordlinkCare https://t.co/abc123')).toBe('other')
  })

  it('calls other languages other, the neighbours included', () => {
    expect(detectLanguage('netti ei toimi taas, asiakaspalvelu ei vastaa')).toBe('other') // Finnish
    expect(detectLanguage('kiitos')).toBe('other')
    expect(detectLanguage('internets nedarbojas jau trešo dienu')).toBe('other') // Latvian
    expect(detectLanguage('інтернет не працює вже третій день')).toBe('other') // Ukrainian
    expect(detectLanguage('网络坏了')).toBe('other')
  })

  it('decides by script before n-grams: mostly Cyrillic is Russian, mostly Latin is not', () => {
    expect(detectLanguage('@NordlinkCare Wi-Fi роутер TP-Link не работает')).toBe('ru')
    expect(detectLanguage('Lasnamäe internet is down again, сосед тоже')).toBe('en')
  })

  it('does not let handles and links decide', () => {
    expect(detectLanguage('@internet_ei_toimi @kiitos_moi not working again')).toBe('en')
    expect(detectLanguage('https://www.example.de/stoerung/berlin ei tööta')).toBe('et')
  })
})

describe('languageFromHint', () => {
  it('takes the primary subtag of a BCP 47 tag', () => {
    expect(languageFromHint('en-GB')).toBe('en')
    expect(languageFromHint('ET')).toBe('et')
    expect(languageFromHint('es_419')).toBe('es')
    expect(languageFromHint('fi')).toBeNull()
    expect(languageFromHint('eng')).toBeNull()
    expect(languageFromHint(undefined)).toBeNull()
  })
})

describe('the n-gram table', () => {
  it('has one score row per n-gram and ELD’s 256-byte dictionary', () => {
    const data = ngramData as { languages: string[]; byteChars: string; grams: string; scores: string }
    expect(Array.from(data.byteChars)).toHaveLength(256)
    expect(data.grams.split('\n').length).toBe(data.scores.split(';').length)
    expect(data.languages.slice(0, 6)).toEqual(['en', 'ru', 'et', 'de', 'it', 'es'])
  })
})
