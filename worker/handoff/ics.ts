// An iCalendar (RFC 5545) invitation for a scheduled callback, so the executive's calendar holds
// it. Pure text: CRLF line ends, escaped values, lines folded at 75 octets.

export interface CallbackEvent {
  /** Stable per handoff, so a rescheduled callback replaces the earlier entry. */
  uid: string
  start: Date
  durationMinutes?: number
  summary: string
  description: string
  location?: string | null
  /** When the file was made (DTSTAMP). */
  stamp: Date
  /** Bumped on each reschedule so calendars take the newer copy. */
  sequence?: number
}

/** TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks. */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n')
}

/** UTC date-time form: 20250101T093000Z. */
export function icsTime(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}

const encoder = new TextEncoder()

/**
 * Folds one content line into lines of at most 75 octets (3.1): each continuation starts with a
 * space, and a multi-byte character is never split.
 */
export function foldLine(line: string): string {
  const parts: string[] = []
  let current = ''
  let octets = 0
  for (const char of line) {
    const size = encoder.encode(char).length
    const limit = parts.length === 0 ? 75 : 74
    if (octets + size > limit) {
      parts.push(current)
      current = ''
      octets = 0
    }
    current += char
    octets += size
  }
  parts.push(current)
  return parts.join('\r\n ')
}

/** A whole VCALENDAR with one VEVENT, ready to serve as text/calendar. */
export function callbackIcs(event: CallbackEvent): string {
  const end = new Date(event.start.getTime() + (event.durationMinutes ?? 15) * 60_000)
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Earshot//Executive callback//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `DTSTAMP:${icsTime(event.stamp)}`,
    `SEQUENCE:${event.sequence ?? 0}`,
    `DTSTART:${icsTime(event.start)}`,
    `DTEND:${icsTime(end)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    ...(event.location ? [`LOCATION:${escapeText(event.location)}`] : []),
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    'TRIGGER:-PT15M',
    `DESCRIPTION:${escapeText(event.summary)}`,
    'END:VALARM',
    'END:VEVENT',
    'END:VCALENDAR',
  ]
  return `${lines.map(foldLine).join('\r\n')}\r\n`
}
