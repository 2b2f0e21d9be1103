// The index benchmark's peers, each its own process on the same chain and the same processor
// settings as the indexer (createProcessor): `plain` is the simplest squid a user would write
// (every protocol log stored raw in one table through typeorm-store's ctx.store.insert, hot blocks
// on), `noop` the same processor with a store that writes nothing (what ingestion alone allows).
// Run as `node lib/bench/peer-squid.js plain|noop <manifest> <toBlock>` with DB_URL set for plain.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { TypeormDatabase } from '@subsquid/typeorm-store'
import pg from 'pg'
import { chainSettings } from '../config'
import { indexerConfig } from '../processor/config'
import { createProcessor } from '../processor/processor'
import { STATE_SCHEMA, type DatabaseState, type FinalTxInfo, type HotTxInfo } from '../squid/compat'
import { RawLog } from './peer-model'

export type PeerKind = 'plain' | 'noop'

/** A store that keeps only the head (so the processor's hot-block bookkeeping runs) and writes nothing. */
class NoopDatabase {
  readonly supportsHotBlocks = true as const
  async connect(): Promise<DatabaseState> {
    return { height: -1, hash: '0x', top: [], nonce: 0 } as unknown as DatabaseState
  }
  async transact(_info: FinalTxInfo, cb: (store: never) => Promise<void>): Promise<void> {
    await cb({} as never)
  }
  async transactHot2(info: HotTxInfo, cb: (store: never, beg: number, end: number) => Promise<void>): Promise<void> {
    await cb({} as never, 0, info.newBlocks.length)
  }
  async transactHot(info: HotTxInfo, cb: (store: never, block: never) => Promise<void>): Promise<void> {
    for (const b of info.newBlocks) await cb({} as never, b as never)
  }
}

/** typeorm-store finds its entities under <projectDir>/lib/model: a throwaway dir pointing at RawLog. */
function plainProjectDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-bench-plain-'))
  fs.mkdirSync(path.join(dir, 'lib', 'model'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'lib', 'model', 'index.js'), `module.exports = require(${JSON.stringify(require.resolve('./peer-model'))})\n`)
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

interface PeerDatabase {
  connect(): Promise<DatabaseState>
  transact(info: FinalTxInfo, cb: (s: never) => Promise<void>): Promise<void>
  transactHot(info: HotTxInfo, cb: (s: never, b: never) => Promise<void>): Promise<void>
  transactHot2(info: HotTxInfo, cb: (s: never, beg: number, end: number) => Promise<void>): Promise<void>
}

/** The database, exiting the process once `toBlock` is committed (as `upkeep index --to` does). */
function exitingAt(db: PeerDatabase, toBlock: number) {
  const exitAt = (height: number) => {
    if (height >= toBlock) process.exit(0)
  }
  return {
    supportsHotBlocks: true as const,
    connect: () => db.connect(),
    transact: async (info: FinalTxInfo, cb: (s: never) => Promise<void>) => {
      await db.transact(info, cb)
      exitAt(info.nextHead.height)
    },
    transactHot: (info: HotTxInfo, cb: (s: never, b: never) => Promise<void>) => db.transactHot(info, cb),
    transactHot2: async (info: HotTxInfo, cb: (s: never, beg: number, end: number) => Promise<void>) => {
      await db.transactHot2(info, cb)
      exitAt(info.newBlocks.length ? info.newBlocks[info.newBlocks.length - 1].height : info.baseHead.height)
    },
  }
}

export async function runPeer(kind: PeerKind, manifest: string, toBlock: number): Promise<void> {
  const cfg = indexerConfig(manifest, chainSettings(), toBlock)
  const processor = createProcessor(cfg)
  if (kind === 'noop') {
    processor.run(exitingAt(new NoopDatabase(), toBlock) as never, async () => {})
    return
  }
  const c = new pg.Client({ connectionString: process.env.DB_URL })
  await c.connect()
  await c.query(
    `create table if not exists raw_log (id text primary key, block_number int4 not null, block_hash text not null, log_index int4 not null, tx_hash text not null, address text not null, topics text[] not null, data text not null)`,
  )
  await c.end()
  const db = new TypeormDatabase({ supportHotBlocks: true, stateSchema: STATE_SCHEMA, projectDir: plainProjectDir() })
  processor.run(exitingAt(db as unknown as PeerDatabase, toBlock) as never, async (ctx) => {
    const rows: RawLog[] = []
    for (const b of ctx.blocks) {
      for (const l of b.logs) {
        rows.push(
          new RawLog({
            id: l.id,
            blockNumber: b.header.height,
            blockHash: b.header.hash,
            logIndex: l.logIndex,
            txHash: l.transactionHash,
            address: l.address,
            topics: l.topics,
            data: l.data,
          }),
        )
      }
    }
    await (ctx.store as unknown as { insert(r: RawLog[]): Promise<void> }).insert(rows)
  })
}

if (require.main === module) {
  const [kind, manifest, to] = process.argv.slice(2)
  if ((kind !== 'plain' && kind !== 'noop') || !manifest || !/^\d+$/.test(to ?? '')) {
    process.stderr.write('usage: node lib/bench/peer-squid.js plain|noop <manifest> <toBlock>\n')
    process.exit(2)
  }
  void runPeer(kind, manifest, Number(to)).catch((e: Error) => {
    process.stderr.write(`${e.stack ?? e.message}\n`)
    process.exit(1)
  })
}
