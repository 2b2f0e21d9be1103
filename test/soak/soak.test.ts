// The soak in CI (short): RPC faults, reorgs of depth 1-20, kill -9 of the indexer and one
// Postgres restart while the chain keeps producing activity; afterwards the record must equal a
// fresh index of the canonical chain, ClickHouse must equal Postgres, and the inference and
// contribution rows must equal the raw chain logs. `npm run soak` runs the 10-minute version.
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { inject, describe, expect, it } from 'vitest'
import { FAULTS, FORK_ONLY_TIPS, formatSoak, runSoak } from '../../src/faults/soak'
import { FORK_ONLY_CHANGES } from '../../src/faults/activity'

const BIN = path.join(__dirname, '..', '..', 'bin', 'upkeep.js')

describe('soak', () => {
  it('survives faults, reorgs, kill -9 and a Postgres restart with nothing lost or duplicated', async () => {
    const fx = inject('devnet')
    const lines: string[] = []
    const s = await runSoak({ durationSec: 60, seed: 3, stateIn: fx.stateFile, contentDir: fx.contentDir, log: (l) => lines.push(l) })
    console.log(formatSoak(s))
    expect(s.reorgs.length).toBeGreaterThanOrEqual(1)
    // the indexer had committed blocks of a branch that then lost: the rollback really ran
    expect(s.losingBranchesIndexed).toBeGreaterThanOrEqual(1)
    // losing branches registered and slashed agents, requested an unstake, removed an operator,
    // retired a model and changed a price: changes the winning branch never makes
    for (const change of FORK_ONLY_CHANGES) expect(s.forkOnlyChanges[change], change).toBeGreaterThanOrEqual(1)
    // the groups the soak takes turns with cover every kind
    expect(FORK_ONLY_TIPS.flat().sort()).toEqual([...FORK_ONLY_CHANGES].sort())
    expect(s.kills).toBeGreaterThanOrEqual(1)
    expect(s.postgresRestarts).toBe(1)
    // every exit the soak did not cause is reported with a reason
    expect(Object.values(s.crashReasons).reduce((a, b) => a + b, 0)).toBe(s.crashRestarts)
    // every kind of RPC fault of the mix was injected, each with its count
    for (const kind of Object.keys(FAULTS)) expect(s.faults[kind], kind).toBeGreaterThanOrEqual(1)
    const report = formatSoak(s)
    for (const kind of Object.keys(FAULTS)) expect(report).toContain(`${kind} ${s.faults[kind]}`)
    expect(s.activityBlocks).toBeGreaterThan(0)
    // the chain's own log counts (eth_getLogs over the whole range, no proxy) against the rows
    expect(s.final.rows).toEqual(s.final.chain)
    expect(s.final.chain.inferences).toBeGreaterThan(0)
    expect(s.final.digestsEqual).toBe(true)
    expect(s.final.digest).toBe(s.final.freshDigest)
    expect(s.final.clickhouseMismatches).toEqual([])
    expect(s.ok).toBe(true)
  }, 300_000)

  it('rejects a malformed duration before starting anything', () => {
    for (const args of [['--seconds', 'abc'], ['--seconds', '5'], ['--minutes', '0'], ['--seed', '-1x']]) {
      const r = spawnSync(process.execPath, [BIN, 'soak', ...args], { encoding: 'utf8', timeout: 30_000 })
      expect(r.status, args.join(' ')).not.toBe(0)
      expect(r.stderr).toMatch(/--(seconds|minutes|seed)/)
      expect(r.stderr).not.toMatch(/soak: \d+ s, seed/)
    }
  })
})
