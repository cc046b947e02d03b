import { z } from 'zod'
import { SourceError } from './source'

// Small pieces every source needs the same way.

/** Numeric ids (X's snowflakes) outgrow doubles; compare them as integers. */
export function isNewerId(id: string, than: string | null): boolean {
  if (than === null) return true
  if (/^\d+$/.test(id) && /^\d+$/.test(than)) return BigInt(id) > BigInt(than)
  return id > than
}

// Codes platforms use for "no language", which are not languages.
const notLanguages = new Set(['und', 'zxx', 'qme', 'qam', 'qct', 'qht', 'qst', 'art'])

/** The primary language subtag a platform reports, or null when it names none. */
export function languageHint(tag: string | null | undefined): string | null {
  const primary = tag?.toLowerCase().split(/[-_]/)[0]
  if (!primary || !/^[a-z]{2,3}$/.test(primary) || notLanguages.has(primary)) return null
  return primary
}

/** The name of the environment variable holding a secret; settings never hold the secret itself. */
export const secretVariable = (fallback: string) =>
  z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an environment variable name').default(fallback)

/** Pages read on the very first poll, before any cursor exists. */
export const backfillPages = z.number().int().min(1).max(20).default(3)

/** The secret a source's settings point at, or an auth failure that names the variable to set. */
export function requireSecret(secrets: Readonly<Record<string, string | undefined>>, variable: string, what: string): string {
  const value = secrets[variable]
  if (!value) throw new SourceError({ kind: 'auth' }, `No ${what}: set the environment variable ${variable}`)
  return value
}
