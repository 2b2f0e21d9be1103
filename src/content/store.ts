// Content-addressed store for contribution content. The chain holds only keccak256 of the
// record's canonical bytes; the inference node and validators read the text from here and
// verify the hash on every read.
import fs from 'node:fs'
import path from 'node:path'
import { keccak256, type Hex } from 'viem'
import type { Label } from './corpus'

export interface ContentRecord {
  v: 1
  label: Label
  /** corpus group the example came from */
  group: string
  text: string
}

/** Canonical bytes: JSON with a fixed key order, UTF-8. */
export function encodeRecord(r: ContentRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: r.v, label: r.label, group: r.group, text: r.text }))
}

export function contentHash(r: ContentRecord): Hex {
  return keccak256(encodeRecord(r))
}

export class ContentStore {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true })
  }

  private file(hash: Hex): string {
    if (!/^0x[0-9a-f]{64}$/.test(hash)) throw new Error(`not a content hash: ${hash}`)
    return path.join(this.dir, hash.slice(2, 4), hash.slice(2) + '.json')
  }

  put(r: ContentRecord): Hex {
    const bytes = encodeRecord(r)
    const hash = keccak256(bytes)
    const f = this.file(hash)
    if (!fs.existsSync(f)) {
      fs.mkdirSync(path.dirname(f), { recursive: true })
      const tmp = `${f}.${process.pid}.tmp`
      fs.writeFileSync(tmp, bytes)
      fs.renameSync(tmp, f) // atomic: a reader never sees a partial record
    }
    return hash
  }

  has(hash: Hex): boolean {
    return fs.existsSync(this.file(hash))
  }

  /** Reads and verifies a record; throws if it is missing or its bytes do not hash to `hash`. */
  get(hash: Hex): ContentRecord {
    const bytes = fs.readFileSync(this.file(hash))
    const actual = keccak256(bytes)
    if (actual !== hash) throw new Error(`content store corrupt: ${hash} holds bytes hashing to ${actual}`)
    return JSON.parse(new TextDecoder().decode(bytes)) as ContentRecord
  }
}
