// Small helpers shared by the fake platform servers: plain HTTP on 127.0.0.1,
// a random port, and a close() that does not wait for held-open requests.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RunningServer {
  url: string
  close(): Promise<void>
}

export async function listen(handler: http.RequestListener): Promise<RunningServer> {
  const server = http.createServer(handler)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Fakes deliberately leave some requests unanswered (timeouts) and
        // clients keep sockets alive; neither may block shutdown.
        server.closeAllConnections()
      }),
  }
}

export function readBody(req: http.IncomingMessage, limitBytes = 1_000_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limitBytes) {
        reject(new Error('request body too large'))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json; charset=utf-8',
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(text)),
  })
  res.end(text)
}

/** Last value wins for repeated keys, which is what the fakes' logs need. */
export function queryRecord(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of params) out[key] = value
  return out
}
