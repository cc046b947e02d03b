// Filling in a reply template. Pure: the composer in the web app renders as the agent picks a
// template, and the server checks templates with the same rules.

export const templateVariables = ['customer_name', 'case_number', 'agent_name', 'next_staffed_time'] as const
export type TemplateVariable = (typeof templateVariables)[number]

export type TemplateValues = Partial<Record<TemplateVariable, string | number | null>>

export interface RenderedTemplate {
  text: string
  /**
   * Variables left in the text as they were, in the order they first appear: known ones without
   * a value and unknown ones (a typo such as {customer_nme}). The agent fills them in by hand.
   */
  missing: string[]
}

const variable = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g

function isKnown(name: string): name is TemplateVariable {
  return (templateVariables as readonly string[]).includes(name)
}

export function renderTemplate(body: string, values: TemplateValues): RenderedTemplate {
  const missing = new Set<string>()
  const text = body.replace(variable, (whole, name: string) => {
    const value = isKnown(name) ? values[name] : undefined
    const filled = value === undefined || value === null ? '' : String(value).trim()
    if (filled === '') {
      missing.add(name)
      return whole
    }
    return filled
  })
  return { text, missing: [...missing] }
}

/** The `{word}`s in a template that are not variables the composer knows. */
export function unknownVariables(body: string): string[] {
  const unknown = new Set<string>()
  for (const match of body.matchAll(variable)) if (!isKnown(match[1]!)) unknown.add(match[1]!)
  return [...unknown]
}
