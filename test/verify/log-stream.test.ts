// The usage log as the replay streams it (src/verify/log-stream.ts, log-cursor.ts): records the
// node writes take a fast path (hash and signature read from the line's suffix, the content
// hashed from the bytes before it, an inference's weights kept as text, its input metered when
// read); every record still comes out as JSON.parse gives it, and every problem readLog finds is
// found at the same record.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Hex } from 'viem'
import { readLog, UsageLog, type LogRecord } from '../../src/inference/usage-log'
import { countTokens } from '../../src/protocol/units'
import { keccakUtf8, signHash } from '../../src/util/hash'
import { devnetPrivateKey, keyHandle } from '../../src/chain/keys'
import { LogStream, type StreamedRecord } from '../../src/verify/log-stream'
import { LogCursor, weightsOf } from '../../src/verify/log-cursor'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-log-stream-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
const KEY = devnetPrivateKey(7)
const key = keyHandle(KEY)
const SIGNER = key.address.toLowerCase()

function inference(localId: number, input: string | undefined, weights: unknown) {
  return {
    kind: 'inference' as const,
    localId,
    at: new Date(1.7e12 + localId).toISOString(),
    modelId: '1',
    adapterVersion: 1,
    adapterHash: keccakUtf8('adapter'),
    payer: '0x' + '12'.repeat(20),
    ...(input === undefined ? {} : { input }),
    inputHash: keccakUtf8(input ?? ''),
    authorization: { cumulativeAmount: '1000000', recentBlock: 1, expiryBlock: 99, signature: ('0x' + '34'.repeat(65)) as Hex },
    units: 3,
    price: '10',
    fee: '30',
    cpuMicros: '5',
    adapterByteSeconds: '7',
    label: 'ham',
    probs: ['0.9', '0.1'],
    outputHash: keccakUtf8(`out ${localId}`),
    weights: weights as never,
  }
}

const weightsFor = (i: number) => Array.from({ length: 1 + (i % 5) }, (_, k) => [String(1 + k), '0x' + String(k).repeat(40).slice(0, 40), 1000 - k])

/** A log as the node writes it (UsageLog): inferences with inputs (one withheld, one without weights), then a settlement. */
async function nodeLog(name: string, n: number, inputOf: (i: number) => string): Promise<string> {
  const file = path.join(dir, name)
  const { log } = await UsageLog.open(file, key, 1)
  const ps: Promise<unknown>[] = []
  for (let i = 0; i < n; i++) ps.push(log.append(inference(i, i === 3 ? undefined : inputOf(i), i === 5 ? null : weightsFor(i))))
  const head = log.head
  ps.push(log.append({ kind: 'settlement-intent', firstSeq: '0', localIds: [0, 1, 2], usageLogHead: head }))
  ps.push(log.append({ kind: 'settlement', firstSeq: '0', count: 3, txHash: keccakUtf8('tx'), blockNumber: 10, policyVersion: 1, contributorsShares: ['1', '2', '3'] }))
  await Promise.all(ps)
  await log.close()
  return file
}

/** Appends a line whose content is `body` (a record's JSON without its closing brace), hashed and signed as written. */
function rawLine(body: string): string {
  const hash = keccakUtf8(body + '}')
  return `${body},"hash":"${hash}","sig":"${signHash(KEY, hash)}"}`
}

function streamAll(file: string): { records: StreamedRecord[]; stream: LogStream } {
  const stream = new LogStream(file, SIGNER)
  const records: StreamedRecord[] = []
  try {
    for (let r = stream.next(); r; r = stream.next()) records.push(r)
  } finally {
    stream.close()
  }
  return { records, stream }
}

/** the record as its line parses, weights included */
const whole = (s: StreamedRecord): LogRecord => (s.weights === undefined ? s.record : ({ ...s.record, weights: weightsOf(s.weights) } as LogRecord))

const texts = ['Free money!!! Claim now: 100% guaranteed, café über naïve façade.', 'x² + y² = z², ½ off — ٣ items; 𝐁old 😀 emoji\ttab "quoted" \\ back\nline', 'plain words only']

describe('the streamed log', () => {
  it('gives every record of a node-written log as JSON.parse of its line, weights as their text, and the file sha256', async () => {
    const file = await nodeLog('node.jsonl', 40, (i) => texts[i % texts.length].repeat(1 + (i % 4)))
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n')
    const { records, stream } = streamAll(file)
    expect(stream.problems).toEqual([])
    expect(records.map(whole)).toEqual(lines.map((l) => JSON.parse(l)))
    // the fast path took every inference with weights: their weights come as text
    expect(records.filter((r) => r.weights !== undefined).length).toBe(40)
    expect(records.map((r) => r.line)).toEqual(lines.map((_, i) => i + 1))
    expect(stream.digest()).toBe(crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'))
  })

  it('finds what readLog finds, at the same records: an altered weight, malformed weights signed as written, an altered input', async () => {
    const file = await nodeLog('base.jsonl', 12, (i) => texts[i % texts.length])
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n')
    // record 4: one weight changed after signing (its content no longer hashes to its hash)
    lines[4] = lines[4].replace(/"weights":\[\["1","0x0{40}",1000\]/, '"weights":[["1","0x0000000000000000000000000000000000000000",1001]')
    expect(lines[4]).toContain('1001]')
    // record 7: weights that are not JSON, yet hashed and signed as written
    const body7 = lines[7].slice(0, lines[7].indexOf(',"hash":"'))
    lines[7] = rawLine(body7.replace(/"weights":\[.*$/, '"weights":[["1","0xab",5],'))
    // record 8: its input altered after signing
    expect(lines[8]).toContain('plain words')
    lines[8] = lines[8].replace('plain words', 'plain wordz')
    const tampered = path.join(dir, 'tampered.jsonl')
    fs.writeFileSync(tampered, lines.join('\n') + '\n')
    const expected = await readLog(tampered, key.address, 'cover')
    const { stream } = streamAll(tampered)
    // the reference: the altered record (line 5), the malformed line 8, and line 9 (altered; it follows no record)
    expect(expected.problems.map((p) => [p.line, p.kind])).toEqual([
      [5, 'broken-chain'],
      [8, 'malformed'],
      [9, 'broken-chain'],
      [9, 'broken-chain'],
    ])
    expect(stream.problems.map((p) => [p.n, p.line, p.kind])).toEqual(expected.problems.map((p) => [p.n, p.line, p.kind]))
  })

  it('parses lines the fast path must not cut wrongly as JSON.parse does: weights not last, weights nested, a repeated key', async () => {
    const base = JSON.stringify({ v: 1, n: 0, prev: '0x' + '00'.repeat(32), ...inference(0, 'a b', weightsFor(2)) }).slice(0, -1)
    const first = rawLine(base)
    const prev = (l: string) => JSON.parse(l).hash as string
    const lines = [first]
    const add = (f: (p: string) => string) => lines.push(rawLine(f(prev(lines[lines.length - 1]))))
    const rec = (n: number, p: string) => ({ v: 1, n, prev: p, ...inference(n, 'c d e', weightsFor(n)) })
    // weights followed by another field
    add((p) => JSON.stringify({ ...rec(1, p), extra: { weights: [9] } }).slice(0, -1))
    // a nested "weights" key last: the cut there leaves an unbalanced head
    add((p) => {
      const { weights: w, ...r } = rec(2, p)
      return JSON.stringify({ ...r, weights: w, z: { a: 1, weights: [[1]] } }).slice(0, -1)
    })
    // the key twice (the last one counts)
    add((p) => JSON.stringify(rec(3, p)).slice(0, -1).replace('"label":', '"weights":[["7","0x77",7]],"label":'))
    const file = path.join(dir, 'shapes.jsonl')
    fs.writeFileSync(file, lines.join('\n') + '\n')
    const { records, stream } = streamAll(file)
    expect(stream.problems).toEqual([])
    expect(records.map(whole)).toEqual(lines.map((l) => JSON.parse(l)))
  })

  it('meters an input when it is read and keeps no input when the replay does not re-run the model', async () => {
    const file = await nodeLog('meter.jsonl', 9, (i) => texts[i % texts.length].repeat(2))
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    const cursor = new LogCursor(file, 1, SIGNER, () => undefined, () => undefined, false)
    cursor.drain()
    expect(cursor.stream.problems).toEqual([])
    for (const l of lines.filter((x) => x.kind === 'inference')) {
      const e = cursor.open.get(l.localId)!
      expect(e.rec.input).toBeUndefined()
      // the node's metering (protocol/units countTokens) of the input the line holds
      expect(e.tokens).toBe(l.input === undefined ? undefined : countTokens(l.input))
      expect(weightsOf(e.weights)).toEqual(l.weights)
    }
    const keeping = new LogCursor(file, 1, SIGNER, () => undefined, () => undefined, true)
    keeping.drain()
    expect(keeping.open.get(1)!.rec.input).toBe(lines.find((x) => x.localId === 1).input)
    expect(keeping.open.get(1)!.tokens).toBeUndefined()
  })
})
