// Posts that are not a customer talking to the brand: the brand's own posts, and spam (crypto
// giveaways, follow trains, money-from-home offers, job adverts, and impersonators phishing the
// brand's unhappy customers). They are kept, marked, and never open a case.

export type MentionKind = 'customer' | 'own_post' | 'spam'

export interface KindContext {
  /** The author's handle, without @. */
  authorHandle?: string | null
  /** The brand's own handles on this platform, without @. */
  brandHandles?: readonly string[]
}

// Each pattern alone is strong evidence; two weak ones together are needed otherwise.
const strongPatterns = [
  /\b(?:giveaway|airdrop|usdt|\d+\s*x\s+back|send\s+\d+(?:\.\d+)?\s*(?:eth|btc|usdt))\b/i,
  /\d+(?:[.,]\d+)?\s*(?:btc|eth|usdt)\b.{0,60}\b(?:wallet|cartera|portafoglio|кошел|rahakot|referral|клиент|clientes)/i,
  /#?\b(?:f4f|follow\s*4\s*follow|follow\s+for\s+follow|followback|follow\s+back\s+100)\b/i,
  /\b(?:card\s+number|bank\s+details|pangaandmed|pin\s+code|cvv)\b/i,
  /\b(?:gana|guadagna|verdiene|earn|зарабатывай|teeni)\s+\d+\s*(?:€|\$|eur|евро)?.{0,20}\b(?:al\s+d[ií]a|al\s+giorno|pro\s+tag|a\s+day|per\s+day|в\s+день|päevas)\b/i,
  /\b(?:we(?:'re|\s+are)\s+hiring|job\s+opening|apply\s+now|vacancy|вакансия|offerta\s+di\s+lavoro|stellenangebot|oferta\s+de\s+empleo|tööpakkumine)\b/i,
]
// One scan of the text instead of one per pattern: most posts match none, so the scans are the cost.
const strong = new RegExp(strongPatterns.map((pattern) => pattern.source).join('|'), 'i')
const link = /https?:\/\/\S+|\b[a-z0-9]+(?:-[a-z0-9]+)+\.[a-z]{2,}(?:[.-][a-z]{2,})*|\b[a-z0-9-]+\.(?:xyz|top|click|help|info|live|online|biz|support)\b/i
// Cheapest first: most posts hit none, and once the rest cannot make two hits we stop looking.
const weak = [
  /\b(?:verify|claim|confirm)\s+(?:your|the)\s+(?:account|details|holder)|\bverify\b|\bclaim\b|\bhüvitis|\bкомпенсац/i,
  /\bdm\s+(?:us|me)\b|\bescr[ií]beme\s+por\s+dm\b|\bpišite|\bnapiš|\bв\s+личку\b|\bвлс\b/i,
  /\b(?:you(?:'ve)?\s+won|win\s+an?\s|prize|hai\s+vinto|premio|gewinnspiel|gewinne|regala|дарит|выиграл|võida|loos)\b|\biphone\s*1\d/i,
  link,
]

// Counted, not matched with a repeated group: a pattern like (#\w+.*){4,} backtracks without end
// on a post full of hashtags.
function manyHashtags(text: string): boolean {
  let count = 0
  for (let at = text.indexOf('#'); at !== -1; at = text.indexOf('#', at + 1)) if (++count >= 4) return true
  return false
}

/** Whether a post is the brand's own, spam, or a customer's. */
export function mentionKind(text: string, context: KindContext = {}): MentionKind {
  const author = context.authorHandle?.toLowerCase()
  if (author && context.brandHandles?.some((handle) => handle.toLowerCase() === author)) return 'own_post'
  if (strong.test(text)) return 'spam'
  let hits = manyHashtags(text) ? 1 : 0
  for (let index = 0; index < weak.length && hits + weak.length - index >= 2; index++) {
    if (weak[index]!.test(text) && ++hits >= 2) return 'spam'
  }
  // A stranger posing as the brand's support desk and sending people to a link.
  if (author && context.brandHandles?.some((handle) => impersonates(author, handle)) && link.test(text)) return 'spam'
  return 'customer'
}

function impersonates(author: string, brandHandle: string): boolean {
  const brand = brandHandle.toLowerCase().split(/[.@]/)[0]!.replace(/care|support|help$/g, '')
  return brand.length >= 4 && author.includes(brand) && author !== brandHandle.toLowerCase()
}
