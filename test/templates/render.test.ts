// Filling in reply templates: known variables with values are replaced; the rest stay as written
// and are listed, so the composer can ask the agent for them.
import { describe, expect, it } from 'vitest'
import { renderTemplate, unknownVariables } from '../../worker/templates/render'

describe('renderTemplate', () => {
  it('fills in every variable it has a value for', () => {
    const body = "Hi {customer_name}, I'm {agent_name} (case {case_number}). We are back at {next_staffed_time}."
    expect(
      renderTemplate(body, { customer_name: 'Mari', agent_name: 'Maria Tamm', case_number: 4711, next_staffed_time: 'Monday 08:00' }),
    ).toEqual({ text: "Hi Mari, I'm Maria Tamm (case 4711). We are back at Monday 08:00.", missing: [] })
  })

  it('leaves variables without a value as they are and lists each once', () => {
    const body = 'Hi {customer_name}, case {case_number}; again {customer_name}, from {agent_name}.'
    expect(renderTemplate(body, { agent_name: 'Ilja', customer_name: '  ', case_number: null })).toEqual({
      text: 'Hi {customer_name}, case {case_number}; again {customer_name}, from Ilja.',
      missing: ['customer_name', 'case_number'],
    })
  })

  it('leaves unknown {words} as they are and lists them as missing', () => {
    expect(renderTemplate('Hi {customer_nme}, see {link}.', { customer_name: 'Mari' })).toEqual({
      text: 'Hi {customer_nme}, see {link}.',
      missing: ['customer_nme', 'link'],
    })
  })

  it('does not touch braces that are not variables, nor values that look like variables', () => {
    expect(renderTemplate('{} { customer_name } {1x}', { customer_name: 'Mari' })).toEqual({ text: '{} { customer_name } {1x}', missing: [] })
    expect(renderTemplate('{customer_name}', { customer_name: '{agent_name}' })).toEqual({ text: '{agent_name}', missing: [] })
  })
})

describe('unknownVariables', () => {
  it('names the {words} that are not template variables', () => {
    expect(unknownVariables('{customer_name} {agent} {next_staffed_time} {agent}')).toEqual(['agent'])
    expect(unknownVariables('no variables')).toEqual([])
  })
})
