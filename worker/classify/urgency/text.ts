// The one normalization every urgency rule reads: done once per mention, so the rules' patterns
// can be written in lower case against plain words.

const urls = /(?:https?:\/\/|www\.)\S+/g
// @handle, and fediverse @user@host
const handles = /@[\w.]*\w(?:@[\w.-]*\w)?/g
const hashtags = /#([\p{L}\p{N}_]+)/gu
const camelHump = /([\p{Ll}\p{N}])(\p{Lu})/gu
// Three or more of one letter ("sooooo", "noooo") become two; no word we look for has three.
const elongation = /(\p{L})\1{2,}/gu
const apostrophes = /[\u2019\u02bc`´]/g
const anyApostrophe = /[\u2019\u02bc`´]/
const yo = /ё/g

/** Whether some letter occurs three times in a row (cheaper to check than to run `elongation`). */
function hasElongation(text: string): boolean {
  let run = 1
  for (let i = 1; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === text.charCodeAt(i - 1) && (code >= 97 ? code <= 122 || code >= 0xc0 : false)) {
      if (++run === 3) return true
    } else run = 1
  }
  return false
}

function splitTag(_: string, tag: string): string {
  return tag.replace(camelHump, '$1 $2').replace(/_/g, ' ')
}

/**
 * Lower-cases `raw` and removes what no rule should read: URLs and @handles go, #hashtags become
 * words (#NoInternet → "no internet"), elongations shrink ("nooooo" → "noo"), ё reads as е, the
 * typographic apostrophe as '. Whitespace stays as it is (phrases match any run of it; a line
 * break ends a clause for negation). Cheap: each step is skipped when its trigger is absent.
 */
export function normalize(raw: string): string {
  let text = raw
  if (text.includes('http') || text.includes('www.')) text = text.replace(urls, ' ')
  if (text.includes('@')) text = text.replace(handles, ' ')
  if (text.includes('#')) text = text.replace(hashtags, splitTag)
  text = text.toLowerCase()
  if (text.includes('ё')) text = text.replace(yo, 'е')
  if (anyApostrophe.test(text)) text = text.replace(apostrophes, "'")
  if (hasElongation(text)) text = text.replace(elongation, '$1$1')
  return text
}
