// Content-addressed binary blobs (adapters): stored under keccak256 of their bytes, verified on
// every read.
import fs from 'node:fs'
import path from 'node:path'
import { keccak256, type Hex } from 'viem'

export class BlobStore {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true })
  }

  private file(hash: Hex): string {
    if (!/^0x[0-9a-f]{64}$/.test(hash)) throw new Error(`not a content hash: ${hash}`)
    return path.join(this.dir, hash.slice(2) + '.bin')
  }

  put(bytes: Uint8Array): Hex {
    const hash = keccak256(bytes)
    const f = this.file(hash)
    if (!fs.existsSync(f)) {
      const tmp = `${f}.${process.pid}.tmp`
      fs.writeFileSync(tmp, bytes)
      fs.renameSync(tmp, f)
    }
    return hash
  }

  has(hash: Hex): boolean {
    return fs.existsSync(this.file(hash))
  }

  get(hash: Hex): Uint8Array {
    const f = this.file(hash)
    if (!fs.existsSync(f)) throw new Error(`blob ${hash} is not in ${this.dir}`)
    const bytes = new Uint8Array(fs.readFileSync(f))
    const actual = keccak256(bytes)
    if (actual !== hash) throw new Error(`blob store corrupt: ${hash} holds bytes hashing to ${actual}`)
    return bytes
  }
}
