// The signer pool (payer signatures recovered in worker threads): every signature handed in is
// answered, in batches beyond the first, with the signer viem's recoverAddress gives; a
// tampered or malformed signature deep in the stream is answered as not the signer's.
import { afterEach, describe, expect, it } from 'vitest'
import { keccak256, recoverAddress, toHex, type Hex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { SignerPool } from '../../src/verify/signer-pool'
import { signHash } from '../../src/util/hash'
import { devnetPrivateKey } from '../../src/chain/keys'

let pool: SignerPool | undefined
afterEach(async () => {
  await pool?.close()
  pool = undefined
})

describe('the signer pool', () => {
  it('recovers 1,234 signatures in batches of 100 (worker threads, then the rest inline) with their signers, a tampered one deep in the stream included', async () => {
    const keys = [1, 2, 3, 4, 5].map((i) => devnetPrivateKey(i))
    const N = 1234
    const items = Array.from({ length: N }, (_, i) => {
      const digest = keccak256(toHex(`charge ${i}`))
      return { digest, signature: signHash(keys[i % keys.length], digest), key: keys[i % keys.length] }
    })
    // one signature deep in the stream (its 9th batch) altered in s: it recovers to someone else, or to nothing
    const TAMPERED = 871
    const s = items[TAMPERED].signature
    items[TAMPERED].signature = (s.slice(0, 70) + (s[70] === 'a' ? 'b' : 'a') + s.slice(71)) as Hex
    // and one malformed (64 bytes)
    const MALFORMED = 1111
    items[MALFORMED].signature = items[MALFORMED].signature.slice(0, 130) as Hex
    pool = new SignerPool(1, 100)
    const got: (string | null | undefined)[] = new Array(N)
    items.forEach((x, i) => pool!.recover(x.digest, x.signature, (signer) => (got[i] = signer)))
    // the malformed one is answered at once; the first 12 batches went to the worker, the last 33 wait for drain
    expect(pool.pending).toBe(N - 1)
    expect(pool.batchesSent).toBe(12)
    await pool.drain()
    expect(pool.pending).toBe(0)
    expect(got.findIndex((x) => x === undefined)).toBe(-1)
    // expected independently: viem's recoverAddress, and the key's address
    for (const [i, x] of items.entries()) {
      if (i === MALFORMED) {
        expect(got[i]).toBeNull()
        continue
      }
      const viem = await recoverAddress({ hash: x.digest, signature: x.signature }).then(
        (a) => a.toLowerCase(),
        () => null,
      )
      expect(got[i], `signature ${i}`).toBe(viem)
      if (i !== TAMPERED) expect(got[i]).toBe(privateKeyToAddress(x.key).toLowerCase())
    }
    expect(got[TAMPERED]).not.toBe(privateKeyToAddress(items[TAMPERED].key).toLowerCase())
  })
})
