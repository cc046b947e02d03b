// PBKDF2 through WebCrypto runs unchanged on Node and on Workers. Workers refuse more than
// 100,000 iterations, so that is the cost; the count is stored in each hash so it can rise later.
const iterations = 100_000
const scheme = 'pbkdf2-sha256'

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const hash = await derive(password, salt, iterations)
  return [scheme, iterations, toBase64(salt), toBase64(hash)].join('$')
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [storedScheme, storedIterations, salt, hash] = stored.split('$')
  if (storedScheme !== scheme || !storedIterations || !salt || !hash) return false
  const count = Number(storedIterations)
  if (!Number.isInteger(count) || count < 1 || count > iterations) return false
  const expected = fromBase64(hash)
  const actual = await derive(password, fromBase64(salt), count)
  return constantTimeEqual(actual, expected)
}

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, rounds: number): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: rounds }, key, 256)
  return new Uint8Array(bits)
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!
  return difference === 0
}

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
}
