import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from '../../worker/auth/password'

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple')
    expect(stored).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true)
    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false)
  })

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'))
  })

  it('rejects tampered and malformed hashes without throwing', async () => {
    const [scheme, , salt, hash] = (await hashPassword('secret')).split('$')
    expect(await verifyPassword('secret', [scheme, 1000, salt, hash].join('$'))).toBe(false)
    expect(await verifyPassword('secret', [scheme, 10_000_000, salt, hash].join('$'))).toBe(false)
    expect(await verifyPassword('secret', 'md5$abc')).toBe(false)
    expect(await verifyPassword('secret', '')).toBe(false)
  })
})
