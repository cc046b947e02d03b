// The brand's handoff webhook: Slack-compatible JSON ({text, blocks}), signed with HMAC-SHA256 of
// the exact body in `x-earshot-signature: sha256=<hex>`. WebCrypto only, so it runs on Workers.
// A webhook is news, not a duty: a failure is logged and never fails the action that caused it.
import type { Sql, Tx } from '../db/connect'

export interface WebhookTarget {
  url: string
  /** Null: sent unsigned. */
  secret: string | null
}

export interface WebhookMessage {
  text: string
  blocks?: Record<string, unknown>[]
}

export type WebhookEvent = 'handoff_requested' | 'handoff_accepted' | 'callback_due' | 'p1_case' | 'spike'

export interface WebhookResult {
  ok: boolean
  status?: number
  error?: string
}

export interface SendOptions {
  timeoutMs?: number
  fetch?: typeof fetch
}

/** Lower-case hex HMAC-SHA256 of `body` under `secret`. */
export async function signBody(secret: string, body: string): Promise<string> {
  const encoder = new TextEncoder()
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(body)))
  return [...mac].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** The brand's webhook, or null when it has none. */
export async function brandWebhook(sql: Sql | Tx, brandId: string): Promise<WebhookTarget | null> {
  const [row] = await sql<{ url: string | null; secret: string | null }[]>`
    select handoff_webhook_url as url, handoff_webhook_secret as secret from brand where id = ${brandId}`
  return row?.url ? { url: row.url, secret: row.secret } : null
}

/** POSTs the message; answers what happened instead of throwing. */
export async function postWebhook(
  target: WebhookTarget,
  event: WebhookEvent,
  message: WebhookMessage,
  { timeoutMs = 5000, fetch: send = fetch }: SendOptions = {},
): Promise<WebhookResult> {
  const body = JSON.stringify(message)
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-earshot-event': event }
  if (target.secret) headers['x-earshot-signature'] = `sha256=${await signBody(target.secret, body)}`
  try {
    const response = await send(target.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) })
    // The receiver's answer is not ours to keep; drain it so the connection is freed.
    await response.body?.cancel().catch(() => {})
    if (!response.ok) {
      console.warn(`handoff webhook ${event} to ${origin(target.url)} answered ${response.status}`)
      return { ok: false, status: response.status }
    }
    return { ok: true, status: response.status }
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    console.warn(`handoff webhook ${event} to ${origin(target.url)} failed: ${detail}`)
    return { ok: false, error: detail }
  }
}

/** Sends to the brand's webhook when it has one; null when it has none. */
export async function sendBrandWebhook(
  sql: Sql,
  brandId: string,
  event: WebhookEvent,
  message: WebhookMessage,
  options?: SendOptions,
): Promise<WebhookResult | null> {
  const target = await brandWebhook(sql, brandId)
  return target ? postWebhook(target, event, message, options) : null
}

export interface CaseFacts {
  caseId: string
  priority: number
  customer: string | null
}

const headline: Record<WebhookEvent, string> = {
  handoff_requested: 'Executive handoff requested',
  handoff_accepted: 'Executive handoff accepted',
  callback_due: 'Executive callback due',
  p1_case: 'P1 case',
  spike: 'Complaint spike',
}

/** The Slack-compatible message for a handoff event: a text fallback and section blocks. */
export function webhookMessage(event: WebhookEvent, kase: CaseFacts, lines: string[]): WebhookMessage {
  return headlineMessage(event, `case #${kase.caseId} (P${kase.priority})${kase.customer ? ` — ${kase.customer}` : ''}`, lines)
}

/** The Slack-compatible message for any event: "<headline>: <subject>" in bold, then the lines. */
export function headlineMessage(event: WebhookEvent, subject: string, lines: string[]): WebhookMessage {
  const title = `${headline[event]}: ${subject}`
  const text = [title, ...lines].join('\n')
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${slackEscape(title)}*` } },
      ...(lines.length > 0 ? [{ type: 'section', text: { type: 'mrkdwn', text: slackEscape(lines.join('\n')).slice(0, 2900) } }] : []),
    ],
  }
}

/** For whoever raises a case to P1 (routing, sweeps): tells the brand's webhook. */
export async function sendP1Webhook(sql: Sql, caseId: string, reason: string, options?: SendOptions): Promise<WebhookResult | null> {
  const [kase] = await sql<{ brand_id: string; priority: number; customer: string | null }[]>`
    select c.brand_id, c.priority, cu.display_name as customer from care_case c join customer cu on cu.id = c.customer_id where c.id = ${caseId}`
  if (!kase) return null
  return sendBrandWebhook(sql, kase.brand_id, 'p1_case', webhookMessage('p1_case', { caseId, priority: kase.priority, customer: kase.customer }, [reason]), options)
}

function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function origin(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return 'an invalid URL'
  }
}
