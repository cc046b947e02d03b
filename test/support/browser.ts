// Debian's Chromium driven by playwright-core (no browser download), and logging in through the
// web app as a person would.
import { chromium, type Browser, type Page } from 'playwright-core'
import { demoPassword } from '../../worker/demo/seed'

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] })
}

/** Opens Earshot at `url` and logs in as the demo user `email`, waiting until the app shows who is in. */
export async function logInAs(page: Page, url: string, email: string): Promise<void> {
  await page.goto(url)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(demoPassword)
  await page.getByTestId('login-form').getByRole('button', { name: /log in/i }).click()
  await page.getByTestId('me').waitFor()
}
