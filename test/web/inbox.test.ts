// The inbox in Debian's Chromium, driven by playwright-core, against `npm start` as a newcomer
// runs it (embedded database, demo data) plus an X source that polls a fake X API.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword } from '../../worker/demo/seed'
import { startFakeX, type FakeX } from '../fakes/x'
import { apiClient } from '../support/api'
import { launchChromium, logInAs } from '../support/browser'
import { projectRoot, startNode, type Running } from '../support/process'

const docs = join(projectRoot, 'docs')

let dataDir: string
let fake: FakeX
let running: Running
let browser: Browser

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'earshot-web-'))
  fake = await startFakeX()
  fake.addUser({ id: '3001', username: 'kadri_k', name: 'Kadri Kask', followers: 120 })
  fake.addUser({ id: '3002', username: 'mallory', name: 'Mallory', followers: 3 })
  running = await startNode({ EARSHOT_DATA_DIR: dataDir, X_BEARER_TOKEN: fake.bearerToken })
  // The admin adds the X source over the API, as the README shows.
  const api = apiClient({ request: (path: string, init: RequestInit) => fetch(new URL(path, running.url), init) }, undefined)
  const admin = await api.logIn('admin@earshot.example', demoPassword)
  const created = await api.call(
    'POST',
    '/api/sources',
    { brand_id: '1', platform: 'x', kind: 'mentions', name: 'X mentions', settings: { api_base_url: fake.url, user_id: fake.brand.id }, poll_interval_seconds: 1 },
    admin.cookie,
  )
  expect(created.status).toBe(201)
  browser = await launchChromium()
  await mkdir(docs, { recursive: true })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await running?.stop()
  await fake?.close()
  await rm(dataDir, { recursive: true, force: true })
})

const logIn = (page: Page, email: string) => logInAs(page, running.url, email)

function rowWith(page: Page, text: string) {
  return page.getByTestId('inbox-row').filter({ hasText: text })
}

describe('the inbox in Chromium', () => {
  let caseUrl = ''
  const complaint = 'No internet in Tartu for 3 days now and nobody answers. I am going to the regulator.'

  it('shows a new X mention live, with its reasons; a reply with a promise and a note land on the timeline', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    await logIn(page, 'agent@earshot.example')
    await page.getByTestId('inbox-list').waitFor()
    // Marks this document: if the page reloaded to show the mention, the mark would be gone.
    await page.evaluate(() => Object.assign(window, { earshotTestMark: 'still here' }))

    fake.post({ text: `@${fake.brand.username} ${complaint}`, authorId: '3001' })
    const row = rowWith(page, 'No internet in Tartu')
    await row.waitFor({ timeout: 45_000 })
    expect(await page.evaluate(() => (window as unknown as { earshotTestMark?: string }).earshotTestMark)).toBe('still here')
    const chips = await row.getByTestId('reason-chip').allTextContents()
    expect(chips.join(' ')).toMatch(/regulator/i)
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: join(docs, 'inbox.png') })

    await row.click()
    await page.getByTestId('case-view').waitFor()
    caseUrl = page.url()
    const reasons = await page.getByTestId('case-reason-chip').allTextContents()
    expect(reasons.join(' ')).toMatch(/regulator/i)

    await page.getByTestId('composer-text').fill('Hi Kadri, I am sorry. I have opened a fault ticket for your line in Tartu.')
    await page.getByTestId('promise-toggle').check()
    await page.getByTestId('promise-text').fill('a technician visit')
    const due = new Date(Date.now() + 26 * 3_600_000)
    const local = new Date(due.getTime() - due.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
    await page.getByTestId('promise-due').fill(local)
    await page.getByTestId('send').click()
    await expect.poll(() => page.getByTestId('send-status').textContent(), { timeout: 15_000 }).toMatch(/queued/i)

    await page.getByTestId('note-text').fill('Line fault confirmed by the network team; Jaan, please call her back.')
    await page.getByTestId('note-save').click()
    await page.locator('[data-testid="timeline-item"][data-kind="note"]').filter({ hasText: 'Line fault confirmed' }).waitFor()
    await page.locator('[data-testid="timeline-item"][data-kind="reply"]').filter({ hasText: 'fault ticket' }).waitFor()
    await page.getByTestId('open-promise').filter({ hasText: 'a technician visit' }).waitFor()
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: join(docs, 'case.png') })
    await context.close()
  }, 120_000)

  it('shows the executive the same timeline, in a second browser context', async () => {
    expect(caseUrl).toContain('#/cases/')
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    await logIn(page, 'executive@earshot.example')
    await page.goto(caseUrl)
    await page.getByTestId('case-view').waitFor()
    const timeline = page.getByTestId('timeline')
    await timeline.getByText('No internet in Tartu', { exact: false }).first().waitFor()
    await timeline.getByText('fault ticket', { exact: false }).first().waitFor()
    await timeline.getByText('Line fault confirmed', { exact: false }).first().waitFor()
    // Executives read and write notes; replying and taking cases is the care team's.
    expect(await page.getByTestId('composer').count()).toBe(0)
    await context.close()
  }, 60_000)

  it('renders a mention that carries HTML as plain text, and runs none of it', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await logIn(page, 'agent@earshot.example')
    const payload = '<img src=x onerror="window.earshotXss=1"><script>window.earshotXss=2</script> help me'
    fake.post({ text: `@${fake.brand.username} ${payload}`, authorId: '3002' })
    const row = rowWith(page, '<img src=x')
    await row.waitFor({ timeout: 45_000 })
    expect(await row.getByTestId('row-text').textContent()).toContain('<script>window.earshotXss=2</script>')
    expect(await row.locator('img, script').count()).toBe(0)
    await row.click()
    await page.getByTestId('case-view').waitFor()
    await page.getByTestId('timeline').getByText('onerror', { exact: false }).first().waitFor()
    expect(await page.locator('[data-testid="timeline"] img, [data-testid="timeline"] script').count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { earshotXss?: number }).earshotXss)).toBeUndefined()
    await context.close()
  }, 90_000)

  it('answers the keyboard: j/k move, enter opens, escape returns, / searches, ? lists the shortcuts', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await logIn(page, 'agent@earshot.example')
    await page.getByTestId('inbox-row').nth(1).waitFor()
    const selected = () => page.locator('[data-testid="inbox-row"][aria-current="true"]').getAttribute('data-case-id')
    await page.keyboard.press('j')
    const first = await selected()
    await page.keyboard.press('j')
    const second = await selected()
    expect(second).not.toBe(first)
    await page.keyboard.press('k')
    expect(await selected()).toBe(first)
    await page.keyboard.press('Enter')
    await page.getByTestId('case-view').waitFor()
    expect(page.url()).toContain(`#/cases/${first}`)
    await page.keyboard.press('Escape')
    await page.getByTestId('inbox-list').waitFor()
    await page.keyboard.press('?')
    await page.getByTestId('shortcut-dialog').waitFor({ state: 'visible' })
    expect(await page.getByTestId('shortcut-dialog').textContent()).toMatch(/claim/i)
    await page.keyboard.press('Escape')
    await page.getByTestId('shortcut-dialog').waitFor({ state: 'hidden' })
    await page.keyboard.press('/')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('search')
    await context.close()
  }, 60_000)
})
