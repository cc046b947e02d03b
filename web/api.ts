// One way to call the API: JSON in, JSON out, and every refusal turned into an ApiError that
// carries the server's problem `detail`, ready to show to the person.
import type { Problem } from './api-types'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly problem: Problem = {},
    /** Seconds, from Retry-After (429). */
    readonly retryAfter: number | null = null,
  ) {
    super(detail)
  }

  /** The route is not on this server (yet): a 404 from the app's fallback, not from a handler. */
  get missingRoute(): boolean {
    return this.status === 404 && /^No route for /.test(this.detail)
  }
}

/** Told when any call answers 401, so the app can show the log-in again. */
let onUnauthorized: (() => void) | null = null
export function whenUnauthorized(handler: () => void) {
  onUnauthorized = handler
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  body?: unknown
  signal?: AbortSignal
  /** Do not tell the app about a 401 (the log-in and /api/me calls handle it themselves). */
  quiet401?: boolean
}

export async function api<T>(path: string, { method = 'GET', body, signal, quiet401 = false }: CallOptions = {}): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method,
      signal,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error
    throw new ApiError(0, 'Earshot could not be reached; check the connection and try again.')
  }
  if (response.status === 204) return undefined as T
  const text = await response.text()
  let parsed: unknown = undefined
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    parsed = undefined
  }
  if (response.ok) return parsed as T
  const problem = (parsed && typeof parsed === 'object' ? parsed : {}) as Problem
  const retry = Number(response.headers.get('retry-after'))
  const detail =
    typeof problem.detail === 'string' && problem.detail
      ? problem.detail
      : `${problem.title ?? response.statusText ?? 'Error'} (${response.status}).`
  if (response.status === 401 && !quiet401) onUnauthorized?.()
  throw new ApiError(response.status, detail, problem, Number.isFinite(retry) && retry > 0 ? retry : null)
}

export const get = <T>(path: string, signal?: AbortSignal) => api<T>(path, { signal })
export const post = <T>(path: string, body?: unknown) => api<T>(path, { method: 'POST', body: body ?? {} })
export const put = <T>(path: string, body: unknown) => api<T>(path, { method: 'PUT', body })
export const patch = <T>(path: string, body: unknown) => api<T>(path, { method: 'PATCH', body })
export const del = <T>(path: string) => api<T>(path, { method: 'DELETE' })

/** A sentence for any error, for a toast or an alert. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.missingRoute) return `This server does not offer that yet (${error.detail.replace(/^No route for /, '')}).`
    return error.detail
  }
  if (error instanceof Error) return error.message
  return String(error)
}

/** Builds a query string from the values that are set. */
export function query(values: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}
