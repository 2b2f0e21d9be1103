// The usage log reader: a record's hash taken from its own bytes equals the hash of its parsed
// body (a line in another form is still read right), signatures checked by cover find the same
// first unsigned record as checking every one, and the metering's token count is the count of
// maximal letter/digit runs.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { keyHandle, devnetPrivateKey } from '../../src/chain/keys'
import { readLog, recordHash, UsageLog, type LogRecord } from '../../src/inference/usage-log'
import { signHash } from '../../src/util/hash'
import { countTokens } from '../../src/protocol/units'
import { corpusSplit, loadCorpus } from '../../src/content/corpus'

const key = keyHandle(devnetPrivateKey(7))

async function writeLog(n: number): Promise<string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-log-')), 'usage.jsonl')
  const { log } = await UsageLog.open(file, key)
  for (let i = 0; i < n; i++) {
    await log.append({ kind: 'unpaid', localIds: [i, i + 1], reason: `reason ${i} «ünïcode» "quoted"\n` })
  }
  await log.close()
  return file
}

const lines = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n')

describe('the usage log reader', () => {
  it('reads a log as the node writes it: no problem, in every signature mode', async () => {
    const file = await writeLog(40)
    for (const mode of ['every', 'cover'] as const) {
      const { records, problems, lines: at } = await readLog(file, key.address, mode)
      expect(problems).toEqual([])
      expect(records.map((r) => r.n)).toEqual([...Array(40).keys()])
      expect(at).toEqual([...Array(40).keys()].map((i) => i + 1))
      // each hash is the keccak of the parsed record without hash and sig (the node's definition)
      for (const r of records) {
        const { hash: _h, sig: _s, ...body } = r
        void _h
        void _s
        expect(recordHash(body)).toBe(r.hash)
      }
    }
  })

  it('reads a line written in another form (keys reordered) by its parsed content', async () => {
    const file = await writeLog(5)
    const reordered = lines(file).map((l) => {
      const { hash, sig, ...body } = JSON.parse(l) as LogRecord
      return JSON.stringify({ hash, sig, ...body })
    })
    fs.writeFileSync(file, reordered.join('\n') + '\n')
    expect((await readLog(file, key.address, 'cover')).problems).toEqual([])
    // and an altered record in that form is still caught
    const altered = JSON.parse(reordered[2])
    altered.reason = 'changed'
    reordered[2] = JSON.stringify(altered)
    fs.writeFileSync(file, reordered.join('\n') + '\n')
    const { problems } = await readLog(file, key.address, 'cover')
    expect(problems.map((p) => [p.kind, p.n])).toEqual([['broken-chain', 2]])
  })

  it('cover names the first record of a stretch the operator did not sign, as checking every record does', async () => {
    const file = await writeLog(30)
    const records = lines(file).map((l) => JSON.parse(l) as LogRecord)
    const other = devnetPrivateKey(99)
    for (const r of records.slice(17)) r.sig = signHash(other, r.hash) // re-signed with another key, hashes untouched
    fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n')
    const every = (await readLog(file, key.address, 'every')).problems
    expect(every.map((p) => p.n)).toEqual([...Array(13).keys()].map((i) => i + 17))
    const cover = (await readLog(file, key.address, 'cover')).problems
    expect(cover.map((p) => [p.kind, p.n])).toEqual([['bad-signature', 17]])
  })
})

describe('metering', () => {
  it('counts maximal runs of letters or digits, call after call', () => {
    const texts = loadCorpus()
      .filter((e) => corpusSplit(e.id) === 'test')
      .slice(0, 300)
      .map((e) => e.text)
    texts.push('', '   ', 'a', 'naïve café 42 — ünïcode_日本語テキスト', 'x'.repeat(5000))
    for (const t of texts) {
      // independent count: split on anything that is not a letter or digit
      const expected = t.split(/[^\p{L}\p{N}]+/u).filter((s) => s.length > 0).length
      expect(countTokens(t)).toBe(expected)
    }
  })
})
