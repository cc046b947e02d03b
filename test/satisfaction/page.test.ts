// The one-click satisfaction page: plain HTML that works without JavaScript, in the customer's
// language, with nothing from a brand or a customer let through unescaped.
import { describe, expect, it } from 'vitest'
import { escapeHtml, pageTexts, renderAskPage, renderGonePage, renderThanksPage } from '../../worker/satisfaction/page'

const hostile = `<script>alert("x")</script> & 'Co' <img src=x onerror=alert(1)>`
const sizeLimit = 6 * 1024

function bytes(html: string): number {
  return new TextEncoder().encode(html).length
}

function langOf(html: string): string | undefined {
  return /<html lang="([^"]*)">/.exec(html)?.[1]
}

function buttons(html: string): Array<{ value: string; chosen: boolean }> {
  return [...html.matchAll(/<button type="submit" name="score" value="(\d)"( class="chosen")?>/g)].map((match) => ({
    value: match[1]!,
    chosen: match[2] !== undefined,
  }))
}

describe('renderAskPage', () => {
  it('offers five buttons, 1 to 5, that post the form back to the same URL', () => {
    const html = renderAskPage({ language: 'en', brandName: 'Acme' })
    expect(buttons(html)).toEqual(['1', '2', '3', '4', '5'].map((value) => ({ value, chosen: false })))
    expect(html).toContain('<form method="post">')
    expect(html).not.toMatch(/<form[^>]*action=/)
    expect(html).not.toMatch(/<script/i)
  })

  it('has a labelled, optional comment field inside the form', () => {
    const html = renderAskPage({ language: 'en', brandName: 'Acme' })
    expect(html).toContain('<label for="comment">Comment (optional)</label>')
    expect(html).toMatch(/<form method="post">[^]*<textarea id="comment" name="comment"[^>]*><\/textarea>[^]*<\/form>/)
    expect(html).not.toMatch(/<textarea[^>]*required/)
  })

  it('asks the question as the legend of the buttons, naming the brand', () => {
    const html = renderAskPage({ language: 'en', brandName: 'Acme Telecom' })
    expect(html).toContain('<legend>How satisfied are you with the help you got from Acme Telecom?</legend>')
    expect(html).toContain('<small>Very poor</small>')
    expect(html).toContain('<small>Excellent</small>')
  })

  it.each([
    ['en', 'en', 'How did we do?'],
    ['ru', 'ru', 'Как мы справились?'],
    ['it', 'it', 'Come siamo andati?'],
    ['ru-RU', 'ru', 'Как мы справились?'],
    ['IT', 'it', 'Come siamo andati?'],
  ])('speaks %s', (language, lang, title) => {
    const html = renderAskPage({ language, brandName: 'Acme' })
    expect(langOf(html)).toBe(lang)
    expect(html).toContain(`<title>${title}</title>`)
    expect(html).toContain(`<h1>${title}</h1>`)
  })

  it.each([['de'], ['pt-BR'], [null], [undefined], ['"><script>']])('falls back to English, and says so in lang, for %j', (language) => {
    const html = renderAskPage({ language, brandName: 'Acme' })
    expect(langOf(html)).toBe('en')
    expect(html).toContain('<title>How did we do?</title>')
  })

  it('escapes the brand name everywhere it appears', () => {
    const html = renderAskPage({ language: 'en', brandName: hostile })
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<img')
    expect(html).toContain(escapeHtml(hostile))
    expect(html.split(escapeHtml(hostile))).toHaveLength(3)
  })

  it('shows a preselected score as chosen, and only a valid one', () => {
    expect(buttons(renderAskPage({ language: 'en', brandName: 'Acme', score: 4 })).filter((b) => b.chosen)).toEqual([{ value: '4', chosen: true }])
    expect(renderAskPage({ language: 'en', brandName: 'Acme', score: 4 })).toContain('(your choice)')
    for (const score of [0, 6, 2.5, null, undefined]) {
      expect(buttons(renderAskPage({ language: 'en', brandName: 'Acme', score })).some((b) => b.chosen)).toBe(false)
    }
  })

  it('shows an escaped error as an alert', () => {
    const html = renderAskPage({ language: 'en', brandName: 'Acme', error: 'score: must be <= 5' })
    expect(html).toContain('<p class="error" role="alert">score: must be &#60;= 5</p>')
    expect(renderAskPage({ language: 'en', brandName: 'Acme' })).not.toContain('role="alert"')
  })

  it('is made for phones: a viewport, big buttons, kept out of search engines and referrers', () => {
    const html = renderAskPage({ language: 'en', brandName: 'Acme' })
    expect(html).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">')
    expect(html).toMatch(/\.scores button\{[^}]*min-height:4rem/)
    expect(html).toContain('<meta name="robots" content="noindex">')
    expect(html).toContain('<meta name="referrer" content="no-referrer">')
  })

  it.each(Object.keys(pageTexts))('stays under 6 kB in %s, even with a long brand name to escape', (language) => {
    const html = renderAskPage({ language, brandName: '&"<>'.repeat(50), score: 3, error: 'x'.repeat(200) })
    expect(bytes(html)).toBeLessThan(sizeLimit)
  })
})

describe('renderThanksPage', () => {
  it('thanks the customer with the score and the brand', () => {
    const html = renderThanksPage({ language: 'en', brandName: 'Acme', score: 4 })
    expect(langOf(html)).toBe('en')
    expect(html).toContain('<h1>Thank you!</h1>')
    expect(html).toContain('Your score of 4 out of 5 has been sent to Acme.')
    expect(html).not.toContain('<form')
  })

  it('speaks Russian and Italian, and English otherwise', () => {
    expect(renderThanksPage({ language: 'ru', brandName: 'Acme', score: 5 })).toContain('Ваша оценка 5 из 5 передана в Acme.')
    expect(renderThanksPage({ language: 'it', brandName: 'Acme', score: 2 })).toContain('Il tuo voto di 2 su 5 è stato inviato a Acme.')
    expect(langOf(renderThanksPage({ language: 'fr', brandName: 'Acme', score: 2 }))).toBe('en')
  })

  it('escapes the brand name and shows no score it cannot vouch for', () => {
    const html = renderThanksPage({ language: 'en', brandName: hostile, score: 9 })
    expect(html).not.toContain('<script>')
    expect(html).toContain(escapeHtml(hostile))
    expect(html).toContain('Your score of ? out of 5')
    expect(bytes(renderThanksPage({ language: 'ru', brandName: '&'.repeat(200), score: 1 }))).toBeLessThan(sizeLimit)
  })
})

describe('renderGonePage', () => {
  it.each([
    ['en', 'en', 'This link is no longer valid'],
    ['ru', 'ru', 'Ссылка больше не действует'],
    ['it', 'it', 'Questo link non è più valido'],
    ['lv', 'en', 'This link is no longer valid'],
  ])('says the link is no longer valid in %s', (language, lang, title) => {
    const html = renderGonePage({ language })
    expect(langOf(html)).toBe(lang)
    expect(html).toContain(`<h1>${title}</h1>`)
    expect(html).not.toContain('<form')
    expect(bytes(html)).toBeLessThan(sizeLimit)
  })
})

describe('escapeHtml', () => {
  it('escapes what could open a tag, an entity or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;amp;&#60;/a&#62;')
    expect(escapeHtml('Ööbik & Co — «ok»')).toBe('Ööbik &#38; Co — «ok»')
  })
})
