// Usage logs as tests tamper with them: read as loose records, written back re-chained and
// re-signed as a holder of the signing key would (the tampering a head check must catch).
import fs from 'node:fs'
import type { Hex } from 'viem'
import { recordHash } from '../../src/inference/usage-log'
import { signHash } from '../../src/util/hash'
import { devnetPrivateKey } from '../../src/chain/keys'

export type Rec = Record<string, unknown> & { n: number; kind: string; hash: Hex; prev: Hex; sig: Hex }

export const readRecords = (file: string): Rec[] => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l))

/** Writes records renumbered, re-chained and re-signed with `key` from `fromIndex` on (default: the reference node's operator key). */
export function writeSigned(records: Rec[], file: string, fromIndex = 0, key: Hex = devnetPrivateKey(7)): void {
  let prev = fromIndex > 0 ? records[fromIndex - 1].hash : (('0x' + '00'.repeat(32)) as Hex)
  records.forEach((r, i) => {
    r.n = i
    if (i >= fromIndex) {
      r.prev = prev
      const { hash: _h, sig: _s, ...body } = r
      void _h
      void _s
      r.hash = recordHash(body)
      r.sig = signHash(key, r.hash)
    }
    prev = r.hash
  })
  fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n')
}
