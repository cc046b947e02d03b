// The executive handoff in Debian's Chromium, driven by playwright-core, against `npm start` as a
// newcomer runs it (embedded database, demo data): the agent escalates a case with the drafted
// summary, the executive works it from the Handoffs page, and the agent sees how it ended.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, logInAs } from '../support/browser'
import { startNode, type Running } from '../support/process'


let dataDir: string
let running: Running
let browser: Browser

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'earshot-handoff-'))
  running = await startNode({ EARSHOT_DATA_DIR: dataDir })
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await running?.stop()
  await rm(dataDir, { recursive: true, force: true })
})

const logIn = (page: Page, email: string) => logInAs(page, running.url, email)

/** Tomorrow at 15:00 in the browser's zone, as a datetime-local value. */
function tomorrowAtThree(): string {
  const day = new Date(Date.now() + 86_400_000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}T15:00`
}

describe('the executive handoff in Chromium', () => {
  it('goes from the agent to Jaan Kask and back with the outcome on the timeline', async () => {
    // The agent escalates the first case of the inbox with the drafted summary.
    const agentContext = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const agent = await agentContext.newPage()
    await logIn(agent, 'agent@earshot.example')
    await agent.getByTestId('inbox-row').first().click()
    const caseView = agent.getByTestId('case-view')
    await caseView.waitFor()
    const caseId = await caseView.getAttribute('data-case-id')
    expect(caseId).toMatch(/^\d+$/)

    // A reply first: on the demo platform it is delivered at once, and shown once, as sent.
    const words = 'Sorry for the trouble. Our service director will call you today; direct line +372 600 0000.'
    await agent.getByTestId('composer-text').fill(words)
    await agent.getByTestId('send').click()
    const replies = agent.locator('[data-testid="timeline-item"][data-kind="reply"]').filter({ hasText: 'direct line +372 600 0000' })
    await replies.getByTestId('delivery-state').filter({ hasText: 'sent' }).waitFor({ timeout: 20_000 })
    expect(await replies.count()).toBe(1)

    await agent.getByTestId('escalate').click()
    await agent.getByTestId('handoff-dialog').waitFor({ state: 'visible' })
    const summary = agent.getByTestId('handoff-summary')
    await expect.poll(() => summary.inputValue(), { timeout: 10_000 }).not.toBe('')
    const drafted = await summary.inputValue()
    const jaan = agent.getByTestId('handoff-executive').locator('option', { hasText: 'Jaan Kask' })
    await jaan.waitFor({ state: 'attached' })
    await agent.getByTestId('handoff-executive').selectOption((await jaan.getAttribute('value'))!)
    await agent.getByTestId('handoff-submit').click()
    await agent.getByTestId('handoff-dialog').waitFor({ state: 'hidden' })
    await agent.locator('[data-testid="handoff-panel"][data-status="requested"]').waitFor()
    expect(await agent.getByTestId('handoff-panel').textContent()).toContain('Jaan Kask')

    // Jaan lands on the Handoffs page and works the item.
    const executiveContext = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const executive = await executiveContext.newPage()
    await logIn(executive, 'executive@earshot.example')
    await executive.getByTestId('handoffs-page').waitFor()
    const item = executive.locator(`[data-testid="handoff-item"][data-case-id="${caseId}"]`)
    await item.waitFor()
    expect(await item.textContent()).toContain(drafted.trim().split('\n')[0]!.slice(0, 40))

    await item.getByTestId('handoff-accept').click()
    await executive.locator(`[data-testid="handoff-item"][data-case-id="${caseId}"][data-status="accepted"]`).waitFor()

    await item.getByTestId('callback-at').fill(tomorrowAtThree())
    await item.getByTestId('callback-channel').selectOption('phone')
    await item.getByTestId('callback-contact').fill('+372 5555 0101')
    await item.getByTestId('callback-submit').click()
    await executive.locator(`[data-testid="handoff-item"][data-case-id="${caseId}"][data-status="callback_scheduled"]`).waitFor()

    const href = await item.getByTestId('ics-link').getAttribute('href')
    expect(href).toMatch(/\/api\/handoffs\/\d+\/callback\.ics$/)
    const ics = await executiveContext.request.get(new URL(href!, running.url).toString())
    expect(ics.status()).toBe(200)
    expect(ics.headers()['content-type']).toMatch(/^text\/calendar/)
    expect(await ics.text()).toMatch(/^DTSTART/m)

    await item.getByTestId('outcome-text').fill('Called back, line fixed')
    await item.getByTestId('outcome-submit').click()
    // Done handoffs leave the queue.
    await item.waitFor({ state: 'detached' })
    await executiveContext.close()

    // The agent's case view shows the handoff done, with the outcome on the timeline.
    await agent.reload()
    await agent.locator('[data-testid="handoff-panel"][data-status="done"]').waitFor()
    expect(await agent.getByTestId('handoff-outcome').textContent()).toContain('Called back, line fixed')
    await agent.locator('[data-testid="timeline-item"][data-kind="callback"]').filter({ hasText: 'Called back, line fixed' }).waitFor()
    await agentContext.close()
  }, 60_000)
})
