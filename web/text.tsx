// Customer text is untrusted: it is only ever rendered as text nodes. Web addresses in it become
// links whose text and href are set as properties (never parsed as HTML), to http(s) only.
const urlPattern = /\bhttps?:\/\/[^\s<>"']+/gi

function trimmed(url: string): string {
  // A sentence's closing punctuation is not part of the address.
  return url.replace(/[.,;:!?)\]]+$/, '')
}

export function LinkedText({ text, class: className }: { text: string; class?: string }) {
  const parts: (string | { url: string })[] = []
  let last = 0
  for (const match of text.matchAll(urlPattern)) {
    const url = trimmed(match[0])
    const start = match.index ?? 0
    if (start > last) parts.push(text.slice(last, start))
    parts.push({ url })
    last = start + url.length
  }
  if (last < text.length) parts.push(text.slice(last))
  return (
    <span class={className ?? 'user-text'}>
      {parts.map((part, index) =>
        typeof part === 'string' ? (
          part
        ) : (
          <a key={index} href={safeHref(part.url)} target="_blank" rel="noopener noreferrer nofollow">
            {part.url}
          </a>
        ),
      )}
    </span>
  )
}

/** Only http and https addresses are links; anything else is rendered inert. */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined
  } catch {
    return undefined
  }
}

export const platformNames: Record<string, string> = { x: 'X', bluesky: 'Bluesky', mastodon: 'Mastodon', demo: 'Demo' }
export const platformName = (platform: string | null | undefined) => (platform ? (platformNames[platform] ?? platform) : 'unknown')

export const languageNames: Record<string, string> = {
  en: 'English', et: 'Estonian', ru: 'Russian', de: 'German', it: 'Italian', es: 'Spanish', other: 'Other',
}
export const languageName = (code: string) => languageNames[code] ?? code

export const statusNames: Record<string, string> = {
  new: 'new', open: 'open', waiting_on_customer: 'waiting on customer', waiting: 'waiting on customer',
  handed_off: 'handed off', resolved: 'resolved', closed: 'closed',
}
export const statusName = (status: string) => statusNames[status] ?? status.replaceAll('_', ' ')
