// A throwaway self-signed certificate for 127.0.0.1, made with the openssl CLI when a test runs,
// so that no private key is ever committed and none outlives the test. Tests serve a fake over
// HTTPS with it and make clients trust it (for wrangler's workerd: NODE_EXTRA_CA_CERTS).
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface TestCertificate {
  /** PEM file of the certificate: what a client is told to trust. */
  certPath: string
  keyPath: string
  /** PEM text, for https.createServer. */
  cert: string
  key: string
  remove(): Promise<void>
}

export async function selfSignedCertificate(): Promise<TestCertificate> {
  const dir = await mkdtemp(path.join(tmpdir(), 'earshot-tls-'))
  const certPath = path.join(dir, 'cert.pem')
  const keyPath = path.join(dir, 'key.pem')
  const remove = () => rm(dir, { recursive: true, force: true })
  try {
    // The IP subjectAltName is what clients check for https://127.0.0.1 (the CN alone is ignored).
    await run('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
      '-keyout', keyPath, '-out', certPath,
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1',
    ])
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')])
    return { certPath, keyPath, cert, key, remove }
  } catch (error) {
    await remove()
    throw error
  }
}
