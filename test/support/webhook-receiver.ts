// A brand's webhook receiver (a Slack-compatible endpoint) on 127.0.0.1, for the tests of what
// Earshot posts to it: it keeps every post and checks its signature, as a real receiver should.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { afterAll, beforeAll } from 'vitest'
import { listen, readBody, type RunningServer } from '../fakes/http'

export interface ReceivedWebhook {
  /** x-earshot-event. */
  event: string
  /** The message's text, as Slack shows it in notifications. */
  text: string
  /** Whether x-earshot-signature is the HMAC-SHA256 of the exact body under the secret. */
  valid: boolean
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders
  body: string
}

export interface WebhookReceiver {
  readonly secret: string
  /** Where to post; set once the beforeAll has run. */
  readonly url: string
  /** Every post received, oldest first. */
  readonly hooks: ReceivedWebhook[]
  /** The same posts as they came, for what `hooks` leaves out. */
  readonly requests: ReceivedRequest[]
  /** The status it answers with: 200 as Slack does, unless a test plays a failing receiver. */
  status: number
}

/**
 * A receiver checking signatures under `secret`, listening from a beforeAll of the current suite
 * (so a later beforeAll can give a brand its url) until that suite's afterAll.
 */
export function useWebhookReceiver(secret: string): WebhookReceiver {
  let server: RunningServer | undefined
  const receiver = { secret, url: '', hooks: [] as ReceivedWebhook[], requests: [] as ReceivedRequest[], status: 200 }
  beforeAll(async () => {
    server = await listen((request, response) => {
      void readBody(request).then((body) => {
        const text = (JSON.parse(body) as { text: string }).text
        receiver.hooks.push({ event: String(request.headers['x-earshot-event']), text, valid: signedBy(secret, body, request.headers) })
        receiver.requests.push({ headers: request.headers, body })
        response.writeHead(receiver.status).end()
      })
    })
    receiver.url = `${server.url}/hook`
  })
  afterAll(() => server?.close())
  return receiver
}

function signedBy(secret: string, body: string, headers: IncomingHttpHeaders): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`)
  const given = Buffer.from(String(headers['x-earshot-signature'] ?? ''))
  // timingSafeEqual throws on a length mismatch; such a signature is simply wrong.
  return given.length === expected.length && timingSafeEqual(given, expected)
}
