// [warehouse] acceptance: every metric of src/analytics/ on the small workload equals an
// independent computation made from raw chain logs (test/helpers/expected-metrics.ts: eth_getLogs
// decoded with viem and the ABI JSON, block timestamps from getBlock, plain bigint arithmetic
// following docs/METRICS.md; it imports none of the metrics module's helpers).
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { freshDatabase, type TestDatabase } from '../helpers/pg'
import { indexTo, newDataDir } from '../helpers/indexer'
import { rawEvents, type RawEvent } from '../helpers/raw-events'
import { frac } from '../helpers/fraction'
import {
  ASSUMPTIONS_FILE, BEFORE_GENESIS, assumptionsHash, DAY, F, MONTH, ODD, PERIODS, SUPPLY, WHOLE, before, concentration, expectedAgents, expectedBlockRange, expectedChanges, expectedConcentration,
  expectedContributors, expectedDatanets, expectedDecay, expectedFeePolicyHistory, expectedModels, expectedOperators, expectedOverhang, expectedPriceToFees, expectedRetention,
  expectedRunway, expectedSustainability, expectedUpkeep, inPeriod, loadAccruals, loadFacts, period, sec, sumOf, utc, vested,
} from '../helpers/expected-metrics'
import { openWarehouse, type Warehouse } from '../../src/warehouse/client'
import { Metrics, readAssumptions, type Period } from '../../src/analytics'
import { AssumptionError, InputError } from '../../src/util/errors'

let devnet: LoadedDevnet
let db: TestDatabase
let dataDir: string
let warehouse: Warehouse
let pool: pg.Pool
let metrics: Metrics
let events: RawEvent[]
let endTime: number

// ------------------------------------------------------------------ setup

beforeAll(async () => {
  devnet = await loadDevnet()
  db = await freshDatabase('metrics')
  dataDir = newDataDir()
  const indexed = indexTo({ manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir }, devnet.endBlock)
  events = await rawEvents(devnet)
  await indexed // the child has exited: its chDB directory is free for this process
  loadFacts(events, devnet.manifest)
  await loadAccruals(devnet.publicClient as never)
  endTime = events[events.length - 1].t
  warehouse = await openWarehouse({ mode: 'embedded', path: path.join(dataDir, 'chdb'), database: 'upkeep' })
  pool = new pg.Pool({ connectionString: db.url })
  metrics = new Metrics(warehouse, pool, {
    treasury: devnet.manifest.accounts.treasury,
    distributor: devnet.manifest.contracts.RewardsDistributor,
    stakingBank: devnet.manifest.accounts.stakingBank,
    assumptions: readAssumptions(ASSUMPTIONS_FILE),
  })
}, 240_000)

afterAll(async () => {
  await pool?.end()
  await warehouse?.close().catch(() => {})
  await devnet?.stop()
  await db?.drop()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

// ------------------------------------------------------------------ tests

describe('the workload exercises every metric', () => {
  it('has fees, incentives, interest, unlocks, burns, agents, slashes and churn in the run', () => {
    expect(F.inferences.length).toBeGreaterThan(1_000)
    expect(F.incentives.length).toBeGreaterThan(0)
    for (const role of [0, 1, 2, 3]) expect(F.incentives.some((x) => x.role === role), `incentives with role ${role}`).toBe(true)
    expect(F.deployments.some((x) => x.amount > 0n)).toBe(true)
    expect(F.unstakes.length).toBeGreaterThan(0)
    expect(F.unstakes.every((u) => u.amount > 0n)).toBe(true)
    expect(F.releases.length).toBeGreaterThan(0)
    expect(F.burns.length).toBeGreaterThan(0)
    expect(F.inferences.some((i) => i.agent)).toBe(true)
    expect(F.slashes.length).toBeGreaterThan(0)
    expect(F.policies.length).toBeGreaterThan(1)
    expect([...F.operators.values()].some((o) => o.removedAt !== null)).toBe(true)
    expect(F.inferences.filter((i) => inPeriod(i.t, MONTH)).length).toBeGreaterThan(50)
  })
})

describe('sustainability', () => {
  for (const [name, p] of PERIODS) {
    for (const interval of ['day', 'week', 'month'] as const) {
      it(`${name} by ${interval}: totals and every series point`, async () => {
        const want = expectedSustainability(p, interval)
        const got = await metrics.sustainability(p, interval)
        expect(got.totals).toEqual(want.totals)
        expect(got.series.map((x) => x.periodStart)).toEqual(want.series.map((x) => x.periodStart))
        for (let i = 0; i < want.series.length; i++) expect(got.series[i], want.series[i].periodStart).toEqual(want.series[i])
        expect(want.series.length).toBeGreaterThan(interval === 'month' && p === MONTH ? 0 : 1)
      })
    }
  }

  it('the series adds up to the totals (amounts), and buckets start on the interval', async () => {
    const got = await metrics.sustainability(ODD, 'week')
    for (const f of ['fees', 'deploymentFees', 'revenue', 'treasuryFees', 'maintainerIncentives', 'stakerIncentives', 'tokenIncentives', 'burns', 'vestingUnlocks', 'agentFees'] as const) {
      expect(sumOf(got.series.map((x) => x[f])), f).toBe(got.totals[f])
    }
    for (const x of got.series) expect(new Date(x.periodStart + 'T00:00:00Z').getUTCDay(), x.periodStart).toBe(1)
    // the first week of the window starts before it (2026-02-10 is a Tuesday)
    expect(got.series[0].periodStart).toBe('2026-02-09')
  })
})

describe('models, datanets, contributors', () => {
  for (const [name, p] of PERIODS) {
    it(`models, ${name} (default limit and all)`, async () => {
      expect(await metrics.models(p)).toEqual(expectedModels(p, 10))
      expect(await metrics.models(p, 1000)).toEqual(expectedModels(p, 1000))
      expect(await metrics.models(p, 3)).toEqual(expectedModels(p, 3))
    })

    it(`datanets, ${name}`, async () => {
      expect(await metrics.datanets(p)).toEqual(expectedDatanets(p, 10))
      expect(await metrics.datanets(p, 1000)).toEqual(expectedDatanets(p, 1000))
      expect(await metrics.datanets(p, 2)).toEqual(expectedDatanets(p, 2))
    })

    it(`contributors, ${name}`, async () => {
      const want = expectedContributors(p, 1000)
      expect(await metrics.contributors(p)).toEqual(want.slice(0, 10))
      expect(await metrics.contributors(p, 3)).toEqual(want.slice(0, 3))
      if (p === WHOLE) expect(await metrics.contributors(p, 1000)).toEqual(want)
    })
  }

  it('models: a model paid attribution in the period without inferences in it is listed (retired model 10, 2026-10)', async () => {
    const p = period('2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z')
    const want = expectedModels(p, 1000)
    const paidInPeriod = sumOf(F.attribution.filter((x) => inPeriod(x.t, p)).map((x) => x.amount))
    expect(sumOf(want.map((m) => m.attributionPaid))).toBe(paidInPeriod)
    expect(want.find((m) => m.inferences === 0 && m.attributionPaid > 0n)).toBeDefined()
    const got = await metrics.models(p, 1000)
    expect(sumOf(got.map((m) => m.attributionPaid)), 'Σ attributionPaid over the models = attribution paid in the period').toBe(paidInPeriod)
    expect(got).toEqual(want)
  })

  it('datanets: a datanet with contributions but no payouts in the period is listed (2025-10)', async () => {
    const p = period('2025-10-01T00:00:00Z', '2025-11-01T00:00:00Z')
    const want = expectedDatanets(p, 10)
    expect(want.some((d) => d.payouts === 0 && d.contributions > 0)).toBe(true)
    const got = await metrics.datanets(p)
    expect(got.reduce((a, d) => a + d.contributions, 0), 'Σ contributions over the datanets = contributions in the period').toBe(F.contributions.filter((x) => inPeriod(x.t, p)).length)
    expect(got).toEqual(want)
  })

  it('contributors: one paid only by incentives in the period is listed, also when asked for by address (2026-03)', async () => {
    const paid = new Set(F.attribution.filter((x) => inPeriod(x.t, MONTH)).map((x) => x.contributor))
    const only = F.incentives.find((x) => inPeriod(x.t, MONTH) && x.role === 1 && !paid.has(x.recipient))!
    expect(only).toBeDefined()
    const want = expectedContributors(MONTH, 10, only.recipient)
    expect(want).toEqual([expect.objectContaining({ contributor: only.recipient, attributionPaid: 0n })])
    expect(want[0].incentives).toBeGreaterThan(0n)
    expect(await metrics.contributors(MONTH, 10, only.recipient)).toEqual(want)
    expect(await metrics.contributors(MONTH, 1000)).toEqual(expectedContributors(MONTH, 1000))
  })

  it('contributors filtered by one address (any case)', async () => {
    const all = expectedContributors(WHOLE, 1000)
    expect(all.length).toBeGreaterThan(3)
    const who = all[Math.floor(all.length / 2)].contributor
    const want = expectedContributors(WHOLE, 10, who)
    expect(want).toHaveLength(1)
    expect(await metrics.contributors(WHOLE, 10, who)).toEqual(want)
    const mixed = '0x' + who.slice(2).toUpperCase()
    expect(await metrics.contributors(WHOLE, 10, mixed)).toEqual(want)
    expect(await metrics.contributors(MONTH, 10, who)).toEqual(expectedContributors(MONTH, 10, who))
    expect(await metrics.contributors(WHOLE, 10, '0x000000000000000000000000000000000000dead')).toEqual([])
  })
})

describe('fee-policy history', () => {
  it('every version, its blocks and what was settled under it (from BatchSettled)', async () => {
    const got = await metrics.feePolicyHistory()
    const want = expectedFeePolicyHistory(got.map((v) => v.toBlock)) // the ends are checked below and in the next test
    expect(got).toEqual(want)
    // in force until the next version's block (ending just before it or in it), the last one open-ended
    got.forEach((v, i) => {
      if (i + 1 === F.policies.length) expect(v.toBlock).toBeNull()
      else expect([F.policies[i + 1].block - 1, F.policies[i + 1].block]).toContain(v.toBlock)
    })
    expect(want.every((v) => v.inferences > 0)).toBe(true)
    expect(want.reduce((a, v) => a + v.inferences, 0)).toBe(F.inferences.length)
  })

  // Block 542 settles a batch under version 1 (log 2) and then sets version 2 (log 5): version 1 was
  // still in force in block 542, so its range must include it.
  it('every batch settled under a version lies in the block range reported for it', async () => {
    const got = await metrics.feePolicyHistory()
    const outside = F.batches
      .map((b) => ({ block: b.block, v: Number(b.args.policyVersion), tx: b.tx }))
      .filter((b) => {
        const v = got.find((x) => x.version === b.v)!
        return b.block < v.fromBlock || (v.toBlock !== null && b.block > v.toBlock)
      })
    expect(outside, JSON.stringify(outside.slice(0, 3))).toEqual([])
  })
})

describe('block range and period changes', () => {
  for (const [name, p] of PERIODS) {
    it(`the first and last block with an event, price changes, adapter versions and self-paid fees, ${name}`, async () => {
      expect(await metrics.blockRange(p)).toEqual(expectedBlockRange(p))
      expect(await metrics.changes(p)).toEqual(expectedChanges(p))
    })
  }

  it('the run has price changes and adapter updates to report', () => {
    expect(expectedChanges(WHOLE).priceChanges.length).toBeGreaterThan(0)
    expect(expectedChanges(WHOLE).adapterUpdates.some((a) => a.version > 1)).toBe(true)
    expect(expectedBlockRange(BEFORE_GENESIS)).toEqual({ from: null, to: null })
  })
})

describe('retention', () => {
  for (const [name, p] of [...PERIODS, ['from 2026-03 on', period('2026-03-01T00:00:00Z', '2026-12-01T00:00:00Z')] as [string, Period]]) {
    it(`monthly cohorts, ${name}`, async () => {
      const want = expectedRetention(p)
      expect(await metrics.retention(p)).toEqual(want)
    })
  }

  it('has cohorts with members that come back', () => {
    const r = expectedRetention(WHOLE)
    expect(r.length).toBeGreaterThan(1)
    expect(r[0].active[0]).toBe(r[0].size)
    expect(r.some((c) => c.active.slice(1).some((a) => a > 0))).toBe(true)
  })
})

describe('concentration', () => {
  for (const [name, p] of PERIODS) {
    it(`Gini, HHI and top-10 share of fee-funded payouts, ${name}`, async () => {
      const want = expectedConcentration(p)
      expect(want.recipients).toBeGreaterThan(0)
      expect(await metrics.concentration(p)).toEqual(want)
    })
  }

  it('the formulas on hand-checked inputs (the test formatter itself)', () => {
    // equal shares: Gini 0, HHI 10000/n, top-10 share 1
    expect(concentration([5n, 5n, 5n, 5n])).toEqual({ recipients: 4, total: 20n, gini: '0.000000', hhi: '2500.00', top10Share: '1.000000' })
    // one of n takes all (zeros dropped): a single recipient
    expect(concentration([0n, 7n])).toEqual({ recipients: 1, total: 7n, gini: '0.000000', hhi: '10000.00', top10Share: '1.000000' })
    // 1,2,3: Gini = 2·14/(3·6) − 4/3 = 2/9
    expect(concentration([3n, 1n, 2n]).gini).toBe('0.222222')
    expect(frac(-1n, 3n)).toBe('-0.333333')
    expect(frac(2n, 3n, 2)).toBe('0.66')
    expect(frac(1n, 0n)).toBeNull()
  })
})

describe('model decay', () => {
  const THRESHOLD = 500_000n // 0.5

  /** midnights from 60 days after genesis to the end of the run where some model decays */
  function decayingDates(): Date[] {
    const out: Date[] = []
    const start = Math.ceil((F.inferences[0].t + 60 * DAY) / DAY) * DAY
    for (let t = start; t <= endTime + DAY; t += DAY) {
      const at = new Date(t * 1000)
      if (expectedDecay(at, THRESHOLD).some((m) => m.decaying)) out.push(at)
    }
    return out
  }

  it('at a date where a model is decaying, at the end of the run and on a grid of dates', async () => {
    const dates = decayingDates()
    expect(dates.length).toBeGreaterThan(0)
    const grid = [dates[0], dates[Math.floor(dates.length / 2)], dates[dates.length - 1], new Date((endTime + 1) * 1000)]
    for (let t = sec(WHOLE.from); t < endTime; t += 45 * DAY) grid.push(new Date(t * 1000))
    for (const at of grid) {
      const want = expectedDecay(at, THRESHOLD)
      expect(await metrics.modelDecay(at), at.toISOString()).toEqual(want)
      expect(await metrics.modelDecay(at, 0.5), at.toISOString()).toEqual(want)
    }
    const at = dates[Math.floor(dates.length / 2)]
    expect((await metrics.modelDecay(at)).filter((m) => m.decaying).length).toBeGreaterThan(0)
    expect(await metrics.modelDecay(at, 1)).toEqual(expectedDecay(at, 1_000_000n))
    expect(await metrics.modelDecay(at, 0.1)).toEqual(expectedDecay(at, 100_000n))
  })

  it('the threshold edge: decaying only when last < threshold × previous (strictly)', async () => {
    const candidates: { at: Date; modelId: string; last: bigint; prev: bigint }[] = []
    for (const at of decayingDates()) {
      for (const m of expectedDecay(at, THRESHOLD)) if (!m.retired && m.unitsLast30 > 0n && m.unitsLast30 < m.unitsPrev30) candidates.push({ at, modelId: m.modelId, last: m.unitsLast30, prev: m.unitsPrev30 })
    }
    expect(candidates.length).toBeGreaterThan(0)
    const c = candidates[0]
    // k/10^6 ≤ last/prev < (k+1)/10^6
    const k = (c.last * 1_000_000n) / c.prev
    const exact = k * c.prev === c.last * 1_000_000n
    const lo = Number(k) / 1e6
    const hi = Number(k + 1n) / 1e6
    const pick = async (threshold: number) => (await metrics.modelDecay(c.at, threshold)).find((m) => m.modelId === c.modelId)!
    expect((await pick(lo)).decaying, `threshold ${lo}, last ${c.last}, prev ${c.prev}`).toBe(false) // last ≥ lo × prev
    expect((await pick(hi)).decaying, `threshold ${hi}, last ${c.last}, prev ${c.prev}`).toBe(true)
    if (!exact) expect((await pick(lo)).change).toBe(frac(c.last - c.prev, c.prev))
    expect(await metrics.modelDecay(c.at, lo)).toEqual(expectedDecay(c.at, k))
    expect(await metrics.modelDecay(c.at, hi)).toEqual(expectedDecay(c.at, k + 1n))
    // a model with no fees in the previous 30 days is never decaying and its change is unknown
    for (const at of [new Date((F.inferences[0].t + 10 * DAY) * 1000)]) {
      const got = await metrics.modelDecay(at)
      expect(got.length).toBeGreaterThan(0)
      for (const m of got) expect(m).toMatchObject({ unitsPrev30: 0n, feesPrev30: 0n, change: null, decaying: false })
    }
  })

  it('a retired model whose usage fell is listed as retired, never flagged; a price change alone is not decay', async () => {
    // the first date after a retirement where the retired model's units fell below half
    let found: { at: Date; modelId: string } | undefined
    for (const [modelId, life] of F.modelLife) {
      if (life.retiredAt === null) continue
      for (let t = Math.ceil(life.retiredAt / DAY) * DAY; t < life.retiredAt + 60 * DAY && !found; t += DAY) {
        const m = expectedDecay(new Date(t * 1000), THRESHOLD).find((x) => x.modelId === modelId)
        if (m && m.unitsPrev30 > 0n && m.unitsLast30 * 2n < m.unitsPrev30) found = { at: new Date(t * 1000), modelId }
      }
    }
    expect(found, 'a retired model with falling usage in the run').toBeDefined()
    const got = (await metrics.modelDecay(found!.at)).find((m) => m.modelId === found!.modelId)!
    expect(got).toMatchObject({ retired: true, decaying: false })
    // the price per unit moves in the run, so the change in fees and the change in units differ: `change` follows the units
    let apart = false
    for (const at of decayingDates()) for (const m of expectedDecay(at, THRESHOLD)) if (m.feesPrev30 > 0n && frac(m.feesLast30 - m.feesPrev30, m.feesPrev30) !== m.change) apart = true
    expect(apart, 'fees and units disagree somewhere (price changes in the run)').toBe(true)
  })

  it('a threshold outside (0, 1] is an InputError', async () => {
    const at = new Date((endTime + 1) * 1000)
    for (const bad of [0, -0.5, 1.0001, 2, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(metrics.modelDecay(at, bad), String(bad)).rejects.toThrow(InputError)
    }
  })
})

describe('unlock overhang', () => {
  const AT = [
    '2026-06-01T00:00:00Z', // before the cliff: nothing unlocks in the next 90 days
    '2026-08-20T00:00:00Z', // the cliff (2026-09-08) is within 30 days
    '2026-09-08T00:00:00Z', // exactly at the cliff
    '2026-10-01T12:34:56Z',
    '2026-11-15T00:00:00Z', // after the cliff
  ]
  for (const at of AT) {
    it(`at ${at}`, async () => {
      const want = expectedOverhang(utc(at))
      expect(await metrics.unlockOverhang(utc(at))).toEqual(want)
    })
  }

  it('before the cliff next30 is 0, after it unlocks are due and some were released', () => {
    expect(F.schedules.length).toBeGreaterThan(0)
    const early = expectedOverhang(utc('2026-06-01T00:00:00Z'))
    expect(early.next30).toBe(0n)
    expect(early.next90).toBe(0n)
    expect(early.next30ToFees).toBe('0.000000')
    expect(expectedOverhang(utc('2026-08-20T00:00:00Z')).next30).toBeGreaterThan(0n)
    const late = expectedOverhang(utc('2026-11-15T00:00:00Z'))
    expect(late.next30).toBeGreaterThan(0n)
    expect(late.trailing30Fees).toBeGreaterThan(0n)
    expect(F.releases.filter((r) => before(r.t, utc('2026-11-15T00:00:00Z'))).length).toBeGreaterThan(0)
  })

  it('vesting as the contract computes it (vestedAt on chain at the end block)', async () => {
    const abi = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'abi', 'TokenVesting.json'), 'utf8'))
    for (const s of F.schedules.slice(0, 3)) {
      for (const at of ['2026-09-07T23:59:59Z', '2026-09-08T00:00:00Z', '2026-11-15T00:00:00Z', '2029-10-01T00:00:00Z']) {
        const t = BigInt(sec(utc(at)))
        const onChain = await devnet.publicClient.readContract({ address: devnet.manifest.contracts.TokenVesting, abi, functionName: 'vestedAt', args: [BigInt(s.id), t] })
        expect(onChain, `${s.id} ${at}`).toBe(vested(s, t))
      }
    }
  })
})

describe('runway', () => {
  for (const at of ['2025-10-15T00:00:00Z', '2026-03-01T00:00:00Z', '2026-07-04T08:00:00Z', '2026-11-15T00:00:00Z']) {
    it(`treasury and incentive runway at ${at}`, async () => {
      const want = expectedRunway(utc(at))
      expect(want.treasuryBalance).toBeGreaterThan(0n)
      expect(await metrics.runway(utc(at))).toEqual(want)
    })
  }

  it('at the end of the run the balances and liabilities equal the contracts on chain', async () => {
    const at = new Date((endTime + 1) * 1000)
    const got = await metrics.runway(at)
    expect(got).toEqual(expectedRunway(at))
    const erc20 = [{ type: 'function', name: 'balanceOf', stateMutability: 'view', inputs: [{ name: 'a', type: 'address' }], outputs: [{ name: '', type: 'uint256' }] }] as const
    const bal = (a: string) => devnet.publicClient.readContract({ address: devnet.manifest.contracts.OpenToken, abi: erc20, functionName: 'balanceOf', args: [a as `0x${string}`], blockNumber: BigInt(devnet.endBlock) })
    expect(got.treasuryBalance).toBe(await bal(devnet.manifest.accounts.treasury))
    expect(got.distributorBalance).toBe(await bal(devnet.manifest.contracts.RewardsDistributor))
    expect(got.liabilities.stakingBankBalance).toBe(await bal(devnet.manifest.accounts.stakingBank))
    // what InferenceSettlement holds is exactly what it owes: escrow, unclaimed shares, contributor pools not yet released
    const released = sumOf(events.filter((e) => e.key === 'InferenceSettlement.PoolReleased').map((e) => e.args.amount as bigint))
    const pools = sumOf(F.inferences.map((i) => i.contributors)) - released
    const owedBySettlement = got.liabilities.prepaidEscrow + got.liabilities.unclaimedAccruals + pools
    expect(owedBySettlement).toBe(await bal(devnet.manifest.contracts.InferenceSettlement))
    // the staking bank holds at least the principal it owes
    expect(got.liabilities.stakingBankBalance!).toBeGreaterThanOrEqual(got.liabilities.stakedPrincipal)
    expect(got.liabilities.stakedPrincipal).toBeGreaterThan(0n)
    // the budget is the unlocked, undistributed part only: far below the distributor's balance
    expect(got.incentiveBudget!).toBeLessThan(got.distributorBalance)
    const late = await metrics.runway(utc('2026-11-15T00:00:00Z'))
    expect(late.incentiveRunwayMonths).not.toBeNull()
  })

  it('without an assumptions file the incentive budget is unknown, with the reason', async () => {
    const bare = new Metrics(warehouse, pool, { treasury: devnet.manifest.accounts.treasury, distributor: devnet.manifest.contracts.RewardsDistributor, stakingBank: devnet.manifest.accounts.stakingBank })
    const at = utc('2026-03-01T00:00:00Z')
    const got = await bare.runway(at)
    expect(got).toMatchObject({ unlockedToDate: null, incentiveBudget: null, incentiveBudgetProvenance: null, assumptionsHash: null, incentiveRunwayMonths: null })
    expect(got.unknowns.map((u) => u.field)).toEqual(expect.arrayContaining(['incentiveBudget', 'incentiveRunwayMonths']))
    expect(got.unknowns.find((u) => u.field === 'incentiveBudget')!.reason).toMatch(/not on chain/)
    expect(got.treasuryBalance).toBe(expectedRunway(at).treasuryBalance)
  })
})

describe('upkeep cost and maintenance coverage', () => {
  const hash = assumptionsHash
  for (const [name, p] of PERIODS) {
    it(`costs with provenance, coverage per network, model and operator, ${name}`, async () => {
      const want = expectedUpkeep(p)
      expect(want.upkeepCost).toBeGreaterThan(0n)
      expect(want.models.length).toBeGreaterThan(0)
      const got = await metrics.upkeep(p)
      expect(got).toEqual({ ...want, assumptionsHash: hash(), assumptionsSource: ASSUMPTIONS_FILE, unknowns: [] })
    })
  }

  it('other assumptions change the answer as the formulas say (sensitivity), and are hashed apart', async () => {
    // the per-unit serving model only prices inferences without a committed cost (none here): changing it changes nothing
    const over = { openPriceUsd: '0.10', cpuSecondUsd: '0.0001', maintenanceUsdPerModelMonth: '40', servingCpuSecondsPerUnit: '0.5' }
    const got = await metrics.upkeep(MONTH, over)
    const want = expectedUpkeep(MONTH, over)
    expect(got).toMatchObject({ ...want, unknowns: [] })
    expect(got.assumptionsHash).not.toBe(hash())
    expect(got.upkeepCost).toBeGreaterThan((await metrics.upkeep(MONTH)).upkeepCost!)
  })

  it('a model with a positive margin repays its deployment fee in a finite number of months; a loss gives none', async () => {
    const got = await metrics.upkeep(WHOLE)
    expect(got.models.some((m) => m.margin! > 0n && m.paybackMonths !== null)).toBe(true)
    const cheap = await metrics.upkeep(WHOLE, { maintenanceUsdPerModelMonth: '100000' })
    expect(cheap.models.every((m) => m.margin! <= 0n && m.paybackMonths === null)).toBe(true)
  })

  it('a period of no data: costs of no live model, coverage null with its reason, never 0', async () => {
    // before the assumed price path starts: the cost itself is unknown
    const got = await metrics.upkeep(BEFORE_GENESIS)
    expect([got.upkeepCost, got.maintenanceCoverage, got.models]).toEqual([null, null, []])
    expect(got.unknowns.map((u) => u.field)).toEqual(['upkeepCost', 'models', 'stakerRealYield', 'stakerIncentiveYield'])
    // no stake: the stakers' yields are null with the reason, their accrued interest a known 0
    expect([got.stakedPrincipal, got.stakerIncentives, got.stakerRealYield, got.stakerIncentiveYield]).toEqual([0n, 0n, null, null])
    expect(got.unknowns.find((u) => u.field === 'stakerIncentiveYield')!.reason).toBe("nothing staked at the period's end")
    // with a price: nothing live costs nothing, and coverage of nothing is unknown, not 0
    const priced = await metrics.upkeep(BEFORE_GENESIS, { openPriceUsd: '1' })
    expect([priced.upkeepCost, priced.maintainerFeeIncome, priced.maintenanceCoverage, priced.stakerRealYield]).toEqual([0n, 0n, null, null])
    expect(priced.unknowns.map((u) => u.field)).toEqual(['maintenanceCoverage', 'models', 'stakerRealYield', 'stakerIncentiveYield'])
  })

  it('a period before the first assumed OPEN price: every cost is null with the reason', async () => {
    const early = { ...JSON.parse(fs.readFileSync(ASSUMPTIONS_FILE, 'utf8')), openPriceUsd: [{ from: '2026-06-01', usd: '0.5' }] }
    const file = path.join(dataDir, 'late-price.json')
    fs.writeFileSync(file, JSON.stringify(early))
    const m = new Metrics(warehouse, pool, { treasury: devnet.manifest.accounts.treasury, distributor: devnet.manifest.contracts.RewardsDistributor, assumptions: readAssumptions(file) })
    const got = await m.upkeep(MONTH)
    expect(got.upkeepCost).toBeNull()
    expect(got.maintenanceCoverage).toBeNull()
    expect(got.costs.every((c) => c.amount === null && c.usd === null)).toBe(true)
    expect(got.unknowns[0]).toEqual({ field: 'upkeepCost', reason: expect.stringMatching(/no OPEN price on 2026-03-01/) })
  })

  it('malformed assumptions are an AssumptionError (code ASSUMPTION): negative cost, unknown field, bad JSON, bad date, zero price', async () => {
    const base = JSON.parse(fs.readFileSync(ASSUMPTIONS_FILE, 'utf8'))
    const bad: [string, string, RegExp][] = [
      ['negative', JSON.stringify({ ...base, cpuSecondUsd: '-0.1' }), /cpuSecondUsd must not be negative/],
      ['unknown', JSON.stringify({ ...base, gpuHourUsd: '1' }), /unknown field "gpuHourUsd"/],
      ['missing', JSON.stringify({ ...base, adapterGb: undefined }), /missing field "adapterGb"/],
      ['json', '{ "cpuSecondUsd": ', /is not JSON/],
      ['date', JSON.stringify({ ...base, openPriceUsd: [{ from: '2026-02-30', usd: '1' }] }), /must be a date YYYY-MM-DD/],
      ['zero', JSON.stringify({ ...base, openPriceUsd: [{ from: '2026-01-01', usd: '0' }] }), /must be above 0/],
      ['number', JSON.stringify({ ...base, storageUsdPerGbMonth: 0.023 }), /must be a decimal string/],
    ]
    for (const [name, text, msg] of bad) {
      const file = path.join(dataDir, `bad-${name}.json`)
      fs.writeFileSync(file, text)
      let err: unknown
      try {
        readAssumptions(file)
      } catch (e) {
        err = e
      }
      expect(err, name).toBeInstanceOf(AssumptionError)
      expect((err as AssumptionError).code).toBe('ASSUMPTION')
      expect((err as Error).message).toMatch(msg)
    }
    await expect(metrics.upkeep(MONTH, { cpuSecondUsd: '-1' })).rejects.toThrow(AssumptionError)
    await expect(metrics.upkeep(MONTH, { openPriceUsd: '0' })).rejects.toThrow(/above 0/)
  })
})

describe('price to fees', () => {
  for (const [at, price] of [
    ['2026-11-15T00:00:00Z', '0.5'],
    ['2026-03-01T00:00:00Z', '1.234567890123456789'],
    ['2026-07-04T08:00:00Z', '12'],
    ['2026-11-15T00:00:00Z', '0'],
  ] as const) {
    it(`at ${at}, price ${price}`, async () => {
      const want = expectedPriceToFees(utc(at), price)
      expect(want.annualizedFees).toBeGreaterThan(0n)
      expect(await metrics.priceToFees(utc(at), price)).toEqual(want)
    })
  }

  it('a malformed price is an InputError', async () => {
    const at = utc('2026-11-15T00:00:00Z')
    for (const bad of ['', 'abc', '-1', '1e3', '1.', '.5', '1.2.3', ' 1', 'NaN', '1,5', '0x10', '1.0000000000000000001']) {
      await expect(metrics.priceToFees(at, bad), JSON.stringify(bad)).rejects.toThrow(InputError)
    }
  })
})

describe('agents', () => {
  for (const [name, p] of [...PERIODS, ['from 2026-06 on', period('2026-06-01T00:00:00Z', '2026-12-01T00:00:00Z')] as [string, Period]]) {
    it(`fee share, stake at risk and slashing, ${name}`, async () => {
      expect(await metrics.agents(p)).toEqual(expectedAgents(p))
    })
  }

  it('slashes split into treasury and burn, and one agent has withdrawn by the end', () => {
    const a = expectedAgents(WHOLE)
    expect(a.slashes).toBeGreaterThan(0)
    expect(a.slashedToTreasury + a.slashedBurned).toBe(a.slashed)
    expect(a.activeAgents).toBeLessThan(a.agents)
    expect(a.agentFees).toBeGreaterThan(0n)
  })
})

describe('operators', () => {
  for (const [name, p] of PERIODS) {
    it(`revenue, concentration and churn, ${name}`, async () => {
      const want = expectedOperators(p)
      expect(want.operators.length).toBeGreaterThan(0)
      expect(await metrics.operators(p)).toEqual(want)
    })
  }
})

describe('no data and bad periods', () => {
  it('a period before genesis: zero amounts, empty lists, unknown ratios are null', async () => {
    const p = BEFORE_GENESIS
    const s = await metrics.sustainability(p, 'day')
    expect(s.series).toEqual([])
    expect(s.totals).toEqual(expectedSustainability(p, 'day').totals)
    expect(s.totals).toMatchObject({ periodStart: '2025-01-01', fees: 0n, revenue: 0n, burns: 0n, earnings: 0n, takeRate: null, feeFundedShare: null, agentFeeShare: null, payers: 0 })
    expect(await metrics.models(p)).toEqual([])
    expect(await metrics.datanets(p)).toEqual([])
    expect(await metrics.contributors(p)).toEqual([])
    expect(await metrics.retention(p)).toEqual([])
    expect(await metrics.concentration(p)).toEqual({ recipients: 0, total: 0n, gini: null, hhi: null, top10Share: null })
    expect(await metrics.agents(p)).toEqual({
      agentFees: 0n,
      grossFees: 0n,
      agentFeeShare: null,
      agents: 0,
      activeAgents: 0,
      stakeAtRisk: 0n,
      slashed: 0n,
      slashedToTreasury: 0n,
      slashedBurned: 0n,
      slashes: 0,
    })
    expect(await metrics.operators(p)).toEqual({ operators: [], concentration: { recipients: 0, total: 0n, gini: null, hhi: null, top10Share: null }, registered: 0, removed: 0 })
    const at = utc('2025-06-01T00:00:00Z')
    expect(await metrics.modelDecay(at)).toEqual([])
    expect(await metrics.unlockOverhang(at)).toEqual({ at, next30: 0n, next90: 0n, vestedUnreleased: 0n, trailing30Fees: 0n, next30ToFees: null, next90ToFees: null })
    const runway = await metrics.runway(at)
    expect(runway).toEqual(expectedRunway(at))
    expect(runway).toMatchObject({ treasuryBalance: 0n, treasuryMonthlyNetBurn: 0n, treasuryRunwayMonths: null, unlockedToDate: 0n, incentiveBudget: 0n, incentiveRunwayMonths: null })
    expect(runway.unknowns.map((u) => u.field)).toEqual(['treasuryRunwayMonths', 'incentiveRunwayMonths'])
    expect(await metrics.priceToFees(at, '2')).toEqual({ priceUsd: '2', supply: SUPPLY, annualizedFees: 0n, marketCapUsd: '2000000000.00', annualizedFeesUsd: '0.00', priceToFees: null })
  })

  it('an empty or inverted period is an InputError for every period metric', async () => {
    const same = utc('2026-03-01T00:00:00Z')
    const bad: Period[] = [
      { from: same, to: same },
      { from: utc('2026-04-01T00:00:00Z'), to: utc('2026-03-01T00:00:00Z') },
    ]
    for (const p of bad) {
      await expect(metrics.sustainability(p, 'day')).rejects.toThrow(InputError)
      await expect(metrics.sustainability(p, 'month')).rejects.toThrow(InputError)
      await expect(metrics.models(p)).rejects.toThrow(InputError)
      await expect(metrics.datanets(p)).rejects.toThrow(InputError)
      await expect(metrics.contributors(p)).rejects.toThrow(InputError)
      await expect(metrics.contributors(p, 10, '0x000000000000000000000000000000000000dead')).rejects.toThrow(InputError)
      await expect(metrics.retention(p)).rejects.toThrow(InputError)
      await expect(metrics.concentration(p)).rejects.toThrow(InputError)
      await expect(metrics.agents(p)).rejects.toThrow(InputError)
      await expect(metrics.operators(p)).rejects.toThrow(InputError)
    }
  })
})
