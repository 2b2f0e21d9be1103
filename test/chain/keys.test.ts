// Keys come from the environment or a keystore file, never appear in messages, and the public
// anvil keys are refused on any chain but the devnet.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { keccak256 } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { decryptKeystore, devnetPrivateKey, KeyError } from '../../src/chain/keys'
import { loadKey } from '../../src/config'

const randomKey = () => ('0x' + crypto.randomBytes(32).toString('hex')) as `0x${string}`

/** A Web3 Secret Storage v3 keystore, written here from the spec (scrypt, aes-128-ctr, keccak MAC). */
function keystore(key: string, password: string): string {
  const salt = crypto.randomBytes(32)
  const iv = crypto.randomBytes(16)
  const derived = crypto.scryptSync(Buffer.from(password), salt, 32, { N: 1024, r: 8, p: 1 })
  const cipher = crypto.createCipheriv('aes-128-ctr', derived.subarray(0, 16), iv)
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(key.slice(2), 'hex')), cipher.final()])
  const mac = keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])).slice(2)
  return JSON.stringify({
    version: 3,
    id: crypto.randomUUID(),
    crypto: { cipher: 'aes-128-ctr', cipherparams: { iv: iv.toString('hex') }, ciphertext: ciphertext.toString('hex'), kdf: 'scrypt', kdfparams: { dklen: 32, n: 1024, r: 8, p: 1, salt: salt.toString('hex') }, mac },
  })
}

describe('keys', () => {
  it('loads a key from the environment', () => {
    const key = randomKey()
    const k = loadKey('OPERATOR', 1612, { OPERATOR_KEY: key })!
    expect(k.address).toBe(privateKeyToAccount(key).address)
    expect(loadKey('OPERATOR', 1612, {})).toBeUndefined()
  })

  it('refuses a malformed key without echoing it', () => {
    const bad = '0x' + 'zz'.repeat(32)
    expect(() => loadKey('OPERATOR', 1612, { OPERATOR_KEY: bad })).toThrow(KeyError)
    try {
      loadKey('OPERATOR', 1612, { OPERATOR_KEY: bad })
    } catch (e) {
      expect((e as Error).message).toMatch(/OPERATOR_KEY must be 0x followed by 64 hex digits/)
      expect((e as Error).message).not.toContain(bad)
    }
  })

  it('decrypts a keystore file with its password, and refuses a wrong one', () => {
    const key = randomKey()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-ks-'))
    const file = path.join(dir, 'operator.json')
    fs.writeFileSync(file, keystore(key, 'correct horse'))
    fs.writeFileSync(path.join(dir, 'pw'), 'correct horse\n')
    expect(decryptKeystore(fs.readFileSync(file, 'utf8'), 'correct horse')).toBe(key)
    expect(loadKey('OPERATOR', 1612, { OPERATOR_KEYSTORE: file, OPERATOR_KEYSTORE_PASSWORD_FILE: path.join(dir, 'pw') })!.address).toBe(privateKeyToAccount(key).address)
    expect(() => loadKey('OPERATOR', 1612, { OPERATOR_KEYSTORE: file, OPERATOR_KEYSTORE_PASSWORD: 'wrong' })).toThrow(/wrong keystore password/)
    expect(() => loadKey('OPERATOR', 1612, { OPERATOR_KEYSTORE: file })).toThrow(/needs OPERATOR_KEYSTORE_PASSWORD/)
    expect(() => decryptKeystore('{"version":1}', 'x')).toThrow(/not a version 3 keystore/)
    expect(() => decryptKeystore('not json', 'x')).toThrow(/not valid JSON/)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('accepts the public anvil keys on the devnet only', () => {
    for (const i of [0, 7, 250]) {
      const key = devnetPrivateKey(i)
      expect(loadKey('OPERATOR', 31337, { OPERATOR_KEY: key })!.address).toBe(privateKeyToAccount(key).address)
      expect(() => loadKey('OPERATOR', 1612, { OPERATOR_KEY: key })).toThrow(/well-known anvil development key, allowed on the devnet \(chain 31337\) only, not on chain 1612/)
    }
    expect(loadKey('OPERATOR', 1612, { OPERATOR_KEY: randomKey() })).toBeDefined()
  })
})
