// Languages arrive as detector output or BCP 47 tags ("en", "pt-BR", "EN", null). Texts are kept
// per primary language only, so every lookup goes through this one reading of the tag.

/** The two-letter primary language of a tag, lower-cased; null when there is none. */
export function primaryLanguage(language: string | null | undefined): string | null {
  const match = /^\s*([A-Za-z]{2})(?![A-Za-z])/.exec(language ?? '')
  return match ? match[1]!.toLowerCase() : null
}
