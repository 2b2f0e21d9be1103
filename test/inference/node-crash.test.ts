// kill -9 between the usage log and the chain: receipts logged but not settled are settled once
// after a restart; a batch the chain settled but the log never confirmed is confirmed from the
// chain, not sent again. Never twice.
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { paidBody, payerAddress, postInfer, settledBy, spawnNode, tempLog, type NodeChild } from '../helpers/node'
import { readLog } from '../../src/inference/usage-log'
import { artifact } from '../../src/chain/artifacts'
import { corpusSplit, loadCorpus } from '../../src/content/corpus'

let devnet: LoadedDevnet
const children: NodeChild[] = []
const texts = loadCorpus()
  .filter((e) => corpusSplit(e.id) === 'test')
  .slice(100, 140)
  .map((e) => e.text)

beforeAll(async () => {
  devnet = await loadDevnet()
}, 120_000)

afterAll(async () => {
  for (const c of children) await c.kill9()
  await devnet?.stop()
})

async function nextSequence(): Promise<bigint> {
  const accounts = devnet.manifest.accounts.operators
  return (await devnet.publicClient.readContract({
    address: devnet.manifest.contracts.InferenceSettlement,
    abi: artifact('InferenceSettlement').abi,
    functionName: 'nextSequence',
    args: [accounts[0]],
  })) as bigint
}

async function waitFor(cond: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const t0 = Date.now()
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function start(log: string, args: string[], env: Record<string, string> = {}): NodeChild {
  const c = spawnNode(devnet, log, args, env)
  children.push(c)
  return c
}

describe('the node dies between its log and the chain', () => {
  it('settles logged-but-unsettled receipts once after kill -9', async () => {
    const log = tempLog()
    const seq0 = await nextSequence()
    const block0 = Number(await devnet.publicClient.getBlockNumber({ cacheTime: 0 }))
    const first = start(log, ['--batch-size', '1000', '--batch-interval-ms', '3600000'])
    const url = await first.url
    for (let i = 0; i < 7; i++) expect((await postInfer(url, await paidBody(devnet, i % 3, '1', texts[i]))).status).toBe(200)
    await first.kill9()
    expect(await nextSequence()).toBe(seq0) // nothing settled yet
    const second = start(log, ['--batch-size', '100', '--batch-interval-ms', '200'])
    await second.url
    await waitFor(async () => (await nextSequence()) === seq0 + 7n, 'the 7 receipts to settle')
    // a third life must not settle them again
    await second.kill9()
    const third = start(log, ['--batch-size', '100', '--batch-interval-ms', '200'])
    await third.url
    await new Promise((r) => setTimeout(r, 1_500))
    await third.stop()
    const settled = await settledBy(devnet, 1, block0)
    expect(settled.length).toBe(7)
    expect(new Set(settled.map((s) => s.seq)).size).toBe(7)
    const { records, problems } = await readLog(log)
    expect(problems).toEqual([])
    const covered = records.filter((r) => r.kind === 'settlement').reduce((n, r) => n + (r as { count: number }).count, 0)
    expect(covered).toBe(7)
  }, 120_000)

  it('confirms from the chain a batch settled just before the crash, and never resends it', async () => {
    const log = tempLog()
    const seq0 = await nextSequence()
    const block0 = Number(await devnet.publicClient.getBlockNumber({ cacheTime: 0 }))
    const dying = start(log, ['--batch-size', '5', '--batch-interval-ms', '3600000'], { UPKEEP_FAULT_NODE_CRASH: 'after-settlement-tx' })
    const url = await dying.url
    // the fifth answer fills the batch; the node settles it and is killed before logging that
    await Promise.all([0, 1, 2, 3, 4].map(async (i) => postInfer(url, await paidBody(devnet, i, '2', texts[10 + i]))))
    const death = await dying.exited
    expect(death.signal).toBe('SIGKILL')
    expect(await nextSequence()).toBe(seq0 + 5n)
    let { records } = await readLog(log)
    expect(records.filter((r) => r.kind === 'settlement-intent').length).toBe(1)
    expect(records.filter((r) => r.kind === 'settlement').length).toBe(0)

    // the three answers fill one batch (no timer: a due-settlement between two requests would split it)
    const again = start(log, ['--batch-size', '3', '--batch-interval-ms', '3600000'])
    const url2 = await again.url
    for (let i = 0; i < 3; i++) expect((await postInfer(url2, await paidBody(devnet, i, '2', texts[20 + i]))).status).toBe(200)
    await waitFor(async () => (await nextSequence()) === seq0 + 8n, 'the next 3 receipts to settle')
    await again.stop()
    const settled = await settledBy(devnet, 1, block0)
    expect(settled.length).toBe(8)
    expect(new Set(settled.map((s) => s.seq)).size).toBe(8)
    ;({ records } = await readLog(log))
    const confirmations = records.filter((r) => r.kind === 'settlement') as { firstSeq: string; count: number; txHash: string }[]
    expect(confirmations.map((c) => [c.firstSeq, c.count])).toEqual([
      [String(seq0), 5],
      [String(seq0 + 5n), 3],
    ])
    // the confirmation recovered after the crash names the transaction that really settled
    expect(confirmations[0].txHash).toBe(settled[0].txHash)
    expect(fs.existsSync(log)).toBe(true)
  }, 120_000)
})
