// The one-click satisfaction page the ask links to. Server-rendered and small: it opens from a
// post on a phone, often in an app's built-in browser, so it works without JavaScript, uses big
// tap targets and needs nothing but itself. Everything that comes from a brand or a customer is
// escaped; the page texts are escaped too, since translations may hold quotes and ampersands.
import { primaryLanguage } from './language'
import { isSatisfactionScore } from './parse'

interface PageTexts {
  title: string
  /** {brand} is the brand's name. */
  question: string
  hint: string
  /** Labels for 1..5, worst first. */
  scores: readonly [string, string, string, string, string]
  commentLabel: string
  chosen: string
  thanksTitle: string
  /** {score} is the score given. */
  thanks: string
  thanksMore: string
  goneTitle: string
  gone: string
}

export const pageTexts: Readonly<Record<string, PageTexts>> = {
  en: {
    title: 'How did we do?',
    question: 'How satisfied are you with the help you got from {brand}?',
    hint: 'Write a comment first if you like, then tap a score to send.',
    scores: ['Very poor', 'Poor', 'Okay', 'Good', 'Excellent'],
    commentLabel: 'Comment (optional)',
    chosen: 'your choice',
    thanksTitle: 'Thank you!',
    thanks: 'Your score of {score} out of 5 has been sent to {brand}.',
    thanksMore: 'You can close this page. Changed your mind? Open the link again to send a new score.',
    goneTitle: 'This link is no longer valid',
    gone: 'The link has expired or was not recognised. If you still need help, just reply to us where we last talked.',
  },
  ru: {
    title: 'Как мы справились?',
    question: 'Насколько вы довольны помощью от {brand}?',
    hint: 'Если хотите, сначала напишите комментарий, затем нажмите на оценку, чтобы отправить её.',
    scores: ['Очень плохо', 'Плохо', 'Нормально', 'Хорошо', 'Отлично'],
    commentLabel: 'Комментарий (необязательно)',
    chosen: 'ваш выбор',
    thanksTitle: 'Спасибо!',
    thanks: 'Ваша оценка {score} из 5 передана в {brand}.',
    thanksMore: 'Эту страницу можно закрыть. Передумали? Откройте ссылку ещё раз и отправьте новую оценку.',
    goneTitle: 'Ссылка больше не действует',
    gone: 'Срок действия ссылки истёк, или она не распознана. Если вам всё ещё нужна помощь, просто ответьте нам там, где мы общались.',
  },
  it: {
    title: 'Come siamo andati?',
    question: 'Quanto sei soddisfatto dell’aiuto ricevuto da {brand}?',
    hint: 'Se vuoi, scrivi prima un commento, poi tocca un voto per inviarlo.',
    scores: ['Pessimo', 'Scarso', 'Sufficiente', 'Buono', 'Ottimo'],
    commentLabel: 'Commento (facoltativo)',
    chosen: 'la tua scelta',
    thanksTitle: 'Grazie!',
    thanks: 'Il tuo voto di {score} su 5 è stato inviato a {brand}.',
    thanksMore: 'Puoi chiudere questa pagina. Hai cambiato idea? Apri di nuovo il link per inviare un nuovo voto.',
    goneTitle: 'Questo link non è più valido',
    gone: 'Il link è scaduto o non è stato riconosciuto. Se hai ancora bisogno di aiuto, rispondici dove ci siamo scritti.',
  },
  et: {
    title: 'Kuidas meil läks?',
    question: 'Kui rahul olete abiga, mille saite ettevõttelt {brand}?',
    hint: 'Soovi korral kirjutage esmalt kommentaar, seejärel puudutage hinnet, et see saata.',
    scores: ['Väga halb', 'Halb', 'Rahuldav', 'Hea', 'Suurepärane'],
    commentLabel: 'Kommentaar (vabatahtlik)',
    chosen: 'teie valik',
    thanksTitle: 'Aitäh!',
    thanks: 'Teie hinne {score} viiest on saadetud ettevõttele {brand}.',
    thanksMore: 'Võite selle lehe sulgeda. Muutsite meelt? Avage link uuesti ja saatke uus hinne.',
    goneTitle: 'See link ei kehti enam',
    gone: 'Link on aegunud või seda ei tuntud ära. Kui vajate veel abi, vastake meile seal, kus viimati suhtlesime.',
  },
}

const style = `*{box-sizing:border-box}body{margin:0;font:1.125rem/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f6f6f4}
main{max-width:34rem;margin:0 auto;padding:1.5rem 1rem}h1{font-size:1.5rem;line-height:1.25}.brand{margin:0;color:#555}
fieldset{border:0;margin:1rem 0;padding:0}legend{font-weight:600;margin-bottom:.5rem}
.scores{display:flex;gap:.5rem}.scores button{flex:1;min-height:4rem;padding:.25rem;border:2px solid #2f5d8a;border-radius:.5rem;
background:#fff;color:#1a1a1a;font:inherit;cursor:pointer}.scores b{display:block;font-size:1.5rem}.scores small{display:block;font-size:.75rem}
.scores .chosen{background:#2f5d8a;color:#fff}button:focus-visible,textarea:focus-visible{outline:3px solid #c2410c;outline-offset:2px}
label{display:block;font-weight:600;margin-top:1rem}textarea{width:100%;min-height:5rem;font:inherit;padding:.5rem;border:1px solid #767676;border-radius:.25rem}
.error{border-left:4px solid #b91c1c;padding:.5rem .75rem;background:#fff}.hidden{position:absolute;left:-9999px}`

/** Escapes text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

function textsFor(language: string | null | undefined): { language: string; texts: PageTexts } {
  const primary = primaryLanguage(language)
  const texts = primary === null ? undefined : pageTexts[primary]
  return texts ? { language: primary!, texts } : { language: 'en', texts: pageTexts.en! }
}

/** Escapes a page text, then fills in values that are already escaped. */
function say(text: string, values: Readonly<Record<string, string>> = {}): string {
  return escapeHtml(text).replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole)
}

function page(language: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${style}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`
}

export interface AskPageInput {
  language: string | null | undefined
  brandName: string
  /** A score to show as chosen, e.g. the one given before; the customer can still pick another. */
  score?: number | null
  /** Why the last submission was refused, shown above the form. */
  error?: string | null
}

/**
 * The question with five buttons. Each button submits the form to the page's own URL (no
 * action attribute), so the link's token travels with it and one tap sends the score.
 */
export function renderAskPage({ language, brandName, score, error }: AskPageInput): string {
  const { language: lang, texts } = textsFor(language)
  const brand = escapeHtml(brandName)
  const chosen = isSatisfactionScore(score) ? score : null
  const buttons = texts.scores
    .map((label, index) => {
      const value = index + 1
      const isChosen = value === chosen
      const mark = isChosen ? ` <span class="hidden">(${say(texts.chosen)})</span>` : ''
      return `<button type="submit" name="score" value="${value}"${isChosen ? ' class="chosen"' : ''}><b>${value}</b> <small>${say(label)}</small>${mark}</button>`
    })
    .join('\n')
  const alert = error ? `<p class="error" role="alert">${escapeHtml(error)}</p>\n` : ''
  return page(
    lang,
    say(texts.title),
    `<p class="brand">${brand}</p>
<h1>${say(texts.title)}</h1>
${alert}<form method="post">
<label for="comment">${say(texts.commentLabel)}</label>
<textarea id="comment" name="comment" maxlength="2000" rows="3"></textarea>
<fieldset>
<legend>${say(texts.question, { brand })}</legend>
<p>${say(texts.hint)}</p>
<div class="scores">
${buttons}
</div>
</fieldset>
</form>`,
  )
}

export interface ThanksPageInput {
  language: string | null | undefined
  brandName: string
  score: number
}

export function renderThanksPage({ language, brandName, score }: ThanksPageInput): string {
  const { language: lang, texts } = textsFor(language)
  // The score comes from a checked form, but the page must not trust that to stay true.
  const shown = isSatisfactionScore(score) ? String(score) : '?'
  return page(
    lang,
    say(texts.thanksTitle),
    `<h1>${say(texts.thanksTitle)}</h1>
<p role="status">${say(texts.thanks, { score: shown, brand: escapeHtml(brandName) })}</p>
<p>${say(texts.thanksMore)}</p>`,
  )
}

export interface GonePageInput {
  language: string | null | undefined
}

/** For a token that is unknown or expired: says so without telling which. */
export function renderGonePage({ language }: GonePageInput): string {
  const { language: lang, texts } = textsFor(language)
  return page(lang, say(texts.goneTitle), `<h1>${say(texts.goneTitle)}</h1>\n<p>${say(texts.gone)}</p>`)
}
