// The seeded workload: months of an OpenLedger-like network on the devnet. Deterministic from the
// seed: the same seed gives the same transactions, blocks and block hashes.
//
// Timeline: genesis at OPEN's TGE (2025-09-08), `size.days` simulated days. Each day has an admin
// block at 00:01 (registrations, policy, staking, vesting, incentives, epochs, claims) and traffic
// blocks in the hours where operators settle receipts or contributors upload.
import fs from 'node:fs'
import path from 'node:path'
import { keccak256, maxUint256, toHex, type Address, type Hex } from 'viem'
import * as Token from '../abi/OpenToken'
import * as Staking from '../abi/Staking'
import * as Vesting from '../abi/TokenVesting'
import * as Datanets from '../abi/DatanetRegistry'
import * as Models from '../abi/ModelRegistry'
import * as Policy from '../abi/FeePolicy'
import * as Settlement from '../abi/InferenceSettlement'
import * as Rewards from '../abi/RewardsDistributor'
import * as Agents from '../abi/AgentRegistry'
import { JsonRpc } from '../chain/rpc'
import { loadCorpus, corpusSplit, CORPUS_GROUPS, type Example } from '../content/corpus'
import { ContentStore } from '../content/store'
import { deployProtocol, GENESIS_PARAMS } from '../devnet/deploy'
import { GENESIS_TIMESTAMP } from '../devnet/anvil'
import type { DeploymentManifest } from '../devnet/manifest'
import { splitFee, type FeeSplitPolicy } from '../protocol/split'
import { buildBatch, type BatchReceipt } from '../protocol/receipts'
import { ChargeDomain, type SignedCharge } from '../protocol/charge-auth'
import { devnetPrivateKey } from '../chain/keys'
import { toFixedPointWeights } from '../protocol/weights'
import { countTokens, OUTPUT_TOKENS } from '../protocol/units'
import { encodeSettleEpoch } from '../protocol/calls'
import { ChainDriver } from '../devnet/driver'
import { BlobStore } from '../content/blobs'
import { trainAdapter } from '../inference/model/train'
import { encodeAdapter } from '../inference/model/adapter-codec'
import { readBaseWeights } from '../inference/model/onnx-graph'
import { BASE_MODEL_PATH } from '../inference/model/paths'
import type { BaseWeights } from '../inference/model/network'
import { Rng } from '../util/rng'
import type { WorkloadSize } from './sizes'
import { DEFAULT_SCENARIO, scenarioRun, type ScenarioName, type ScenarioRun } from './scenarios'
import { OperatorLogs } from './operator-logs'
import { keccakUtf8 } from '../util/hash'

const OPEN = 10n ** 18n
const DAY = 86_400
const HOUR = 3_600
const BASE_MODEL = keccak256(toHex('upkeep-base/spam-ham-v1'))
const DATANET_NAMES = [
  'Mailing-list mail (easy ham I)',
  'Personal mail (easy ham II)',
  'Newsletters and hard ham',
  'Spam archive 2002',
  'Spam archive 2003',
]

export interface WorkloadOptions {
  size: WorkloadSize
  seed: number
  contentDir: string
  rpcUrl: string
  chainId: number
  /** the traffic shape (./scenarios); steady by default */
  scenario?: ScenarioName
  onProgress?: (day: number, days: number, events: { txs: number; blocks: number }) => void
}

export interface WorkloadResult {
  manifest: DeploymentManifest
  endBlock: number
  txs: number
  blocks: number
  gasUsed: bigint
}

interface ModelState {
  id: bigint
  creator: Address
  datanets: number[]
  price: bigint
  registeredDay: number
  retired: boolean
  /** traffic weight parameters */
  appeal: number
  decayFrom: number | null
  adapterVersion: number
  /** the registered adapter of the current version */
  adapterHash: Hex
  creatorAccrued: bigint
  pool: bigint
  nextEpoch: bigint
}

interface PayerState {
  address: Address
  /** the payer's devnet key: it signs the charge authorisations of its receipts */
  key: Hex
  /** what each operator (by id) has charged it in total: the base of its next authorisation */
  charged: Map<number, bigint>
  payerId: number | null
  wallet: bigint
  escrow: bigint
  reserved: bigint
  weight: number
  operator: number // index into operators
  agentPattern: 'steady' | 'bursty' | 'growing' | null
}

interface OperatorState {
  address: Address
  id: number
  nextSeq: bigint
  /** served, not settled yet; localId: the request's record in the operator's usage log */
  pending: (Omit<BatchReceipt, 'authorization'> & { localId: number })[]
  lastSettleDay: number
  active: boolean
  earnings: bigint
  share: number
}

interface ContributorState {
  address: Address
  home: number
  second: number | null
  joinDay: number
  churnDay: number
  counts: Map<number, number>
}

interface StakeState {
  id: bigint
  staker: Address
  startDay: number
  toppedUp: boolean
  requestedDay: number | null
  done: boolean
}

export async function runWorkload(opts: WorkloadOptions): Promise<WorkloadResult> {
  const w = new Workload(opts)
  return w.run()
}

class Workload {
  private readonly size: WorkloadSize
  private readonly rng: Rng
  private readonly driver: ChainDriver
  private readonly store: ContentStore
  private readonly adapters: BlobStore
  private readonly scenario: ScenarioRun
  private manifest!: DeploymentManifest
  private c!: DeploymentManifest['contracts']
  private policy: FeeSplitPolicy = {
    version: 1,
    creatorBps: GENESIS_PARAMS.feeSplit[0],
    contributorsBps: GENESIS_PARAMS.feeSplit[1],
    infraBps: GENESIS_PARAMS.feeSplit[2],
    treasuryBps: GENESIS_PARAMS.feeSplit[3],
    burnBps: GENESIS_PARAMS.feeSplit[4],
  }
  private models: ModelState[] = []
  private modelPlan: { day: number; creator: number; appeal: number; decayFrom: number | null }[] = []
  private payers: PayerState[] = []
  private operators: OperatorState[] = []
  private contributors: ContributorState[] = []
  private datanetPools: Example[][] = []
  private datanetCursor: number[] = []
  private stakes: StakeState[] = []
  private nextStakeId = 0n
  private schedules: Address[] = []
  private treasuryBalance = 0n
  private tokenCounts: number[] = []
  /** keccak of each held-out text a request stands for (the operators' logs commit to it) */
  private inputHashes: Hex[] = []
  private opLogs!: OperatorLogs
  private dayModelWeights: number[] = []
  private dayPayerWeights: number[] = []
  private withdrawal: { payer: PayerState; amount: bigint; day: number } | null = null
  private accountIndex = new Map<string, number>()
  private chargeDomain!: ChargeDomain
  private agents: { address: Address; operator: number; slashed: boolean; exiting: number | null }[] = []
  private acc!: {
    governance: Address
    treasury: Address
    liquidity: Address
    stakingBank: Address
    distributor: Address
    attributor: Address
    slasher: Address
    nodeOperator: Address
    workloadOperators: Address[]
    team: Address[]
    investors: Address[]
    creators: Address[]
    contributors: Address[]
    payers: Address[]
    stakers: Address[]
    agents: Address[]
  }

  constructor(private readonly opts: WorkloadOptions) {
    this.size = opts.size
    this.rng = new Rng(opts.seed)
    this.driver = new ChainDriver(new JsonRpc(opts.rpcUrl))
    this.store = new ContentStore(opts.contentDir)
    this.adapters = new BlobStore(path.join(opts.contentDir, 'adapters'))
    this.scenario = scenarioRun(opts.scenario ?? DEFAULT_SCENARIO, opts.seed, opts.size.payers, opts.size.days)
  }

  private t(day: number, hour = 0, minute = 1): number {
    return GENESIS_TIMESTAMP + day * DAY + hour * HOUR + minute * 60
  }

  private send(from: Address, to: Address, data: string, label: string, gas = 400_000n): void {
    this.driver.send({ from, to, data, gas, label })
  }

  async run(): Promise<WorkloadResult> {
    const all = await this.driver.rpc.call<Address[]>('eth_accounts')
    this.assignAccounts(all)
    this.prepareCorpus()
    this.manifest = await deployProtocol(
      this.driver,
      {
        governance: this.acc.governance,
        treasury: this.acc.treasury,
        liquidity: this.acc.liquidity,
        stakingBank: this.acc.stakingBank,
        distributor: this.acc.distributor,
        attributor: this.acc.attributor,
        slasher: this.acc.slasher,
        operators: [this.acc.nodeOperator, ...this.acc.workloadOperators],
      },
      this.opts.chainId,
      this.opts.rpcUrl,
      this.t(0, 0, 1),
    )
    this.manifest.contentDir = this.opts.contentDir
    this.c = this.manifest.contracts
    this.chargeDomain = new ChargeDomain(this.opts.chainId, this.c.InferenceSettlement)
    this.planActors()
    this.opLogs = await OperatorLogs.open(this.opts.contentDir, this.operators.map((o) => ({ id: o.id, key: this.devKey(o.address) })))
    await this.genesisDay()
    let endBlock = this.manifest.startBlock
    for (let day = 1; day <= this.size.days; day++) {
      endBlock = (await this.simulateDay(day)) ?? endBlock
      this.opts.onProgress?.(day, this.size.days, { txs: this.driver.txsSent, blocks: this.driver.blocksMined })
    }
    // settle whatever is still pending, then pay out every pool, so the run ends clean: no
    // unsettled receipt, no unattributed pool (the live inference node starts from zero)
    for (const op of this.operators) if (op.active && op.pending.length) this.settle(op, this.size.days)
    if (this.driver.pending) endBlock = (await this.driver.mine(this.t(this.size.days, 23, 58))).number
    this.attributionEpochs(this.size.days, true)
    if (this.driver.pending) endBlock = (await this.driver.mine(this.t(this.size.days, 23, 59))).number
    await this.opLogs.close()
    return { manifest: this.manifest, endBlock, txs: this.driver.txsSent, blocks: this.driver.blocksMined, gasUsed: this.driver.gasUsed }
  }

  // ------------------------------------------------------------------ setup

  private assignAccounts(all: Address[]): void {
    const s = this.size
    const need = 18 + s.creators + s.contributors + s.payers + s.stakers + s.agents
    if (all.length < need) throw new Error(`the ${s.name} workload needs ${need} dev accounts, anvil has ${all.length}`)
    this.accountIndex = new Map(all.map((a, i) => [a.toLowerCase(), i]))
    let k = 18
    const take = (n: number) => all.slice(k, (k += n))
    this.acc = {
      governance: all[0],
      treasury: all[1],
      liquidity: all[2],
      stakingBank: all[3],
      distributor: all[4],
      attributor: all[5],
      slasher: all[6],
      nodeOperator: all[7],
      workloadOperators: all.slice(8, 11),
      team: all.slice(11, 14),
      investors: all.slice(14, 18),
      creators: take(s.creators),
      contributors: take(s.contributors),
      payers: take(s.payers),
      stakers: take(s.stakers),
      agents: take(s.agents),
    }
  }

  /** a dev account's key (anvil's public mnemonic, by its position in eth_accounts) */
  private devKey(address: Address): Hex {
    return devnetPrivateKey(this.accountIndex.get(address.toLowerCase())!)
  }

  private prepareCorpus(): void {
    const corpus = loadCorpus()
    // the corpus repeats some messages verbatim; a datanet accepts each content hash once
    this.datanetPools = CORPUS_GROUPS.map((g) => {
      const seen = new Set<string>()
      return corpus.filter((e) => e.group === g && corpusSplit(e.id) === 'contrib' && !seen.has(e.text) && seen.add(e.text))
    })
    this.datanetCursor = CORPUS_GROUPS.map(() => 0)
    const held = corpus.filter((e) => corpusSplit(e.id) === 'test')
    this.tokenCounts = held.map((e) => countTokens(e.text))
    this.inputHashes = held.map((e) => keccakUtf8(e.text))
  }

  private planActors(): void {
    const s = this.size
    const r = this.rng.fork('actors')
    // workload operators 2..4 (operator 1 is the reference inference node): traffic shares,
    // and the smallest one leaves the network two thirds into the run
    const shares = [0.6, 0.3, 0.1]
    this.operators = this.acc.workloadOperators.map((address, i) => ({
      address,
      id: i + 2,
      nextSeq: 0n,
      pending: [],
      lastSettleDay: 0,
      active: true,
      earnings: 0n,
      share: shares[i],
    }))
    this.contributors = this.acc.contributors.map((address) => {
      const home = r.int(0, CORPUS_GROUPS.length - 1)
      const joinDay = r.int(0, Math.floor(s.days * 0.55))
      const churns = r.chance(0.4)
      return {
        address,
        home,
        second: r.chance(0.3) ? (home + r.int(1, CORPUS_GROUPS.length - 1)) % CORPUS_GROUPS.length : null,
        joinDay,
        churnDay: churns ? joinDay + r.int(45, 200) : Number.MAX_SAFE_INTEGER,
        counts: new Map(),
      }
    })
    this.payers = this.acc.payers.map((address, i) => ({
      address,
      key: this.devKey(address),
      charged: new Map(),
      payerId: null,
      wallet: 0n,
      escrow: 0n,
      reserved: 0n,
      weight: 1 / Math.pow(i + 1, 1.1), // Zipf: a few apps carry most traffic
      operator: r.weighted(shares),
      agentPattern: null,
    }))
    this.planWash()
    const patterns = ['steady', 'bursty', 'growing'] as const
    this.agents = this.acc.agents.map((address, i) => ({ address, operator: i % 2, slashed: false, exiting: null }))
    for (const [i, a] of this.agents.entries()) {
      this.payers.push({
        address: a.address,
        key: this.devKey(a.address),
        charged: new Map(),
        payerId: null,
        wallet: 0n,
        escrow: 0n,
        reserved: 0n,
        weight: 0, // set when the agent registers
        operator: a.operator,
        agentPattern: patterns[i % patterns.length],
      })
    }
    // models: the first three in week one, the rest spread over the first 80% of the run
    for (let i = 0; i < s.models; i++) {
      const day = i < 3 ? 2 + i * 2 : r.int(10, Math.floor(s.days * 0.8))
      const decays = r.chance(0.3)
      this.modelPlan.push({
        day,
        creator: i % s.creators,
        appeal: 0.3 + r.float() * 1.7,
        decayFrom: decays ? day + r.int(60, 200) : null,
      })
    }
    this.modelPlan.sort((a, b) => a.day - b.day)
  }

  private async genesisDay(): Promise<void> {
    const s = this.size
    const gov = this.acc.governance
    const scale = s.economyScale
    // vesting: team 3 x 50M, investors 4 x 45.725M; 12-month cliff, 36 months linear
    const cliff = 365n * BigInt(DAY)
    const duration = 1095n * BigInt(DAY)
    const teamEach = (150_000_000n * OPEN) / BigInt(this.acc.team.length)
    const invEach = (182_900_000n * OPEN) / BigInt(this.acc.investors.length)
    for (const [cat, list, each] of [
      [0, this.acc.team, teamEach],
      [1, this.acc.investors, invEach],
    ] as const) {
      for (const b of list) {
        this.send(gov, this.c.TokenVesting, Vesting.functions.createSchedule.encode({ beneficiary: b, category: cat, total: each, start: BigInt(GENESIS_TIMESTAMP), cliff, duration }), 'vesting schedule')
        this.schedules.push(b)
      }
    }
    // staking bank funded from the community bucket; it approves Staking and creates config 1
    this.send(gov, this.c.RewardsDistributor, Rewards.functions.transferOut.encode({ bucket: 0, to: this.acc.stakingBank, amount: 50_000_000n * OPEN, purpose: keccak256(toHex('staking-bank')) }), 'fund staking bank')
    this.send(this.acc.stakingBank, this.c.OpenToken, Token.functions.approve.encode({ spender: this.c.Staking, value: maxUint256 }), 'bank approve')
    this.send(
      this.acc.stakingBank,
      this.c.Staking,
      Staking.functions.setConfig.encode({
        configId: 1n,
        config: {
          bank: this.acc.stakingBank,
          manager: gov,
          token: this.c.OpenToken,
          interestRate: 12n * 10n ** 16n, // 12%/year, continuously compounded
          stakeDuration: 90n * BigInt(DAY),
          cooldownDuration: 7n * BigInt(DAY),
          maxStake: 10_000_000n * OPEN * scale,
          minStake: 100n * OPEN,
          isActive: true,
          isTopupEnabled: true,
          isPublic: true,
        },
      }),
      'staking config',
    )
    // datanets, created by the first creators (curators)
    for (let i = 0; i < DATANET_NAMES.length; i++) {
      const owner = this.acc.creators[i % this.acc.creators.length]
      this.send(owner, this.c.DatanetRegistry, Datanets.functions.createDatanet.encode({ name: DATANET_NAMES[i], metadataHash: keccak256(toHex(CORPUS_GROUPS[i])) }), 'create datanet')
    }
    // everyone who pays gets OPEN from the liquidity account (as if bought) and approves once
    for (const a of this.acc.creators) this.onboard(a, 30_000n * OPEN, [this.c.ModelRegistry])
    for (const p of this.payers.filter((p) => !p.agentPattern && !this.isWashRole(p))) {
      p.wallet = 5_000n * OPEN * s.walletScale
      this.onboard(p.address, p.wallet, [this.c.InferenceSettlement])
    }
    this.washGenesis()
    // the treasury approves nothing; the distributor and slasher need no OPEN
    await this.driver.mine(this.t(0, 0, 5))
  }

  private onboard(who: Address, amount: bigint, spenders: Address[]): void {
    this.send(this.acc.liquidity, this.c.OpenToken, Token.functions.transfer.encode({ to: who, value: amount }), 'onboard transfer')
    for (const sp of spenders) this.send(who, this.c.OpenToken, Token.functions.approve.encode({ spender: sp, value: maxUint256 }), 'approve')
  }

  // -------------------------------------------------------------------- days

  private async simulateDay(day: number): Promise<number | undefined> {
    let last: number | undefined
    this.adminActions(day)
    if (this.driver.pending) last = (await this.driver.mine(this.t(day, 0, 1))).number
    this.dayModelWeights = this.models.map((m) => this.popularity(m, day))
    this.dayPayerWeights = this.payers.map((p, i) => this.payerWeight(p, day, i))
    const traffic = this.dailyTraffic(day)
    const uploads = this.dailyUploads(day)
    for (let hour = 0; hour < 24; hour++) {
      for (const u of uploads.filter((x) => x.hour === hour)) this.upload(u.contributor, u.datanet, u.count)
      for (let i = 0; i < traffic[hour]; i++) this.infer(day, this.t(day, hour, 0) + i)
      if (hour === 23) {
        for (const op of this.operators) {
          if (op.active && op.pending.length && day - op.lastSettleDay >= this.size.settleEveryDays) this.settle(op, day)
        }
      }
      if (this.driver.pending) last = (await this.driver.mine(this.t(day, hour, 30))).number
    }
    return last
  }

  private adminActions(day: number): void {
    const s = this.size
    const gov = this.acc.governance
    // model registrations
    for (const plan of this.modelPlan.filter((p) => p.day === day)) this.registerModel(plan, day)
    // a few price changes and adapter updates over the run
    if (day % 37 === 0 && this.models.length) {
      const m = this.rng.pick(this.models.filter((x) => !x.retired))
      const factor = 70 + this.rng.int(0, 70) // 70%..140%
      const newPrice = (m.price * BigInt(factor)) / 100n || 1n
      this.flushModel(m, day) // settle receipts served at the old price, well within the grace period
      this.send(m.creator, this.c.ModelRegistry, Models.functions.setPrice.encode({ modelId: m.id, newPrice }), 'set price')
      m.price = newPrice
    }
    if (day % 53 === 0 && this.models.length) this.updateAdapter(this.rng.pick(this.models.filter((x) => !x.retired)), day)
    // creators who maintain their models (scenarios other than steady)
    for (const id of this.scenario.maintenance(this.models, day)) this.updateAdapter(this.models[Number(id)], day)
    // retire the oldest decaying model once its traffic has faded, and one unpopular model
    if (day === Math.floor(s.days * 0.85) || day === Math.floor(s.days * 0.5)) {
      const candidates = this.models.filter((m) => !m.retired && m.registeredDay < day - 30)
      if (candidates.length > 2) {
        const m = candidates.reduce((a, b) => (this.popularity(a, day) <= this.popularity(b, day) ? a : b))
        this.flushModel(m, day)
        this.send(m.creator, this.c.ModelRegistry, Models.functions.retire.encode({ modelId: m.id }), 'retire model')
        m.retired = true
      }
    }
    // one fee-policy change mid-run: more to contributors, a bit more treasury
    if (day === Math.floor(s.days / 2)) {
      for (const op of this.operators) if (op.active && op.pending.length) this.settle(op, day)
      this.send(gov, this.c.FeePolicy, Policy.functions.setPolicy.encode({ creatorBps: 3500, contributorsBps: 3500, infraBps: 1800, treasuryBps: 1000, burnBps: 200 }), 'set policy')
      this.policy = { version: 2, creatorBps: 3500, contributorsBps: 3500, infraBps: 1800, treasuryBps: 1000, burnBps: 200 }
    }
    // operator 4 leaves the network
    const leaving = this.operators[2]
    if (day === Math.floor(s.days * 0.68) && leaving.active) {
      if (leaving.pending.length) this.settle(leaving, day)
      if (leaving.earnings > 0n) this.claimOperator(leaving)
      this.send(gov, this.c.InferenceSettlement, Settlement.functions.removeOperator.encode({ operatorId: leaving.id }), 'remove operator')
      leaving.active = false
      for (const p of this.payers) if (p.operator === 2) p.operator = 0
    }
    this.agentActions(day)
    this.stakingActions(day)
    // vesting: beneficiaries release monthly once the cliff has passed
    if (day >= 366 && (day - 366) % 30 === 0) {
      for (let i = 0; i < this.schedules.length; i++) {
        this.send(this.schedules[i], this.c.TokenVesting, Vesting.functions.release.encode({ scheduleId: BigInt(i) }), 'vesting release')
      }
    }
    this.escrowWithdrawal(day)
    if (day % 7 === 3) this.payIncentives(day)
    if (day % s.epochDays === 0) this.attributionEpochs(day)
    if (day % 14 === 6) {
      for (const m of this.models) if (m.creatorAccrued > 0n) this.claimCreator(m)
    }
    if (day % 30 === 20) for (const op of this.operators) if (op.active && op.earnings > 0n) this.claimOperator(op)
    // monthly buy-back-and-burn by the treasury: 5% of what it holds
    if (day % 30 === 15 && this.treasuryBalance > 0n) {
      const amount = this.treasuryBalance / 20n
      if (amount > 0n) {
        this.send(this.acc.treasury, this.c.OpenToken, Token.functions.burn.encode({ value: amount }), 'treasury burn')
        this.treasuryBalance -= amount
      }
    }
  }

  private updateAdapter(m: ModelState, day: number): void {
    m.adapterVersion++
    m.adapterHash = this.trainAdapterFor(m, day)
    this.send(m.creator, this.c.ModelRegistry, Models.functions.updateAdapter.encode({ modelId: m.id, adapterHash: m.adapterHash }), 'update adapter')
    // every second adapter version comes with its creator's declared maintenance cost (docs/PROTOCOL.md, "Serving cost")
    if (m.adapterVersion % 2 === 0) {
      const microUsdPerMonth = 1_000_000n + 250_000n * (m.id % 4n)
      this.send(m.creator, this.c.ModelRegistry, Models.functions.declareAdapterCost.encode({ modelId: m.id, adapterVersion: m.adapterVersion, microUsdPerMonth }), 'declare adapter cost')
    }
    this.scenario.adapterUpdated(m.id, day)
  }

  private registerModel(plan: (typeof this.modelPlan)[number], day: number): void {
    const r = this.rng
    const creator = this.acc.creators[plan.creator]
    const first = r.int(0, CORPUS_GROUPS.length - 1)
    const datanets = [first]
    if (r.chance(0.6)) datanets.push((first + r.int(1, 4)) % 5)
    if (r.chance(0.25)) datanets.push((first + r.int(1, 4)) % 5)
    const uniq = [...new Set(datanets)].sort((a, b) => a - b)
    const price = BigInt(r.int(1, 20)) * 10n ** 14n // 0.0001..0.002 OPEN per token
    const id = BigInt(this.models.length)
    const m: ModelState = {
      id,
      creator,
      datanets: uniq,
      adapterHash: this.trainAdapterFor({ id, datanets: uniq, adapterVersion: 1 }, day),
      price,
      registeredDay: day,
      retired: false,
      appeal: plan.appeal,
      decayFrom: plan.decayFrom,
      adapterVersion: 1,
      creatorAccrued: 0n,
      pool: 0n,
      nextEpoch: 0n,
    }
    this.send(
      creator,
      this.c.ModelRegistry,
      Models.functions.registerModel.encode({ baseModel: BASE_MODEL, adapterHash: m.adapterHash, datanetIds: uniq.map(BigInt), pricePerUnit: price }),
      'register model',
      600_000n,
    )
    this.treasuryBalance += GENESIS_PARAMS.deploymentFee
    this.models.push(m)
    this.scenario.registered(m.id, price, day)
  }

  /**
   * Trains the model's adapter on the contributions its datanets hold now (base frozen),
   * stores the adapter bytes content-addressed, and returns keccak256 of them: the adapter hash
   * the registry records and the inference node loads.
   */
  private trainAdapterFor(m: Pick<ModelState, 'id' | 'datanets' | 'adapterVersion'>, day: number): Hex {
    const examples = m.datanets.flatMap((d) => this.datanetPools[d].slice(0, this.datanetCursor[d]).map((e) => ({ text: e.text, label: e.label === 'spam' ? 1 : 0 })))
    const adapter = trainAdapter(this.base(), examples, { seed: this.opts.seed * 1_000_003 + Number(m.id) * 101 + m.adapterVersion + day })
    return this.adapters.put(encodeAdapter(adapter))
  }

  private baseWeights: BaseWeights | undefined
  private base(): BaseWeights {
    this.baseWeights ??= readBaseWeights(new Uint8Array(fs.readFileSync(BASE_MODEL_PATH)))
    return this.baseWeights
  }

  private popularity(m: ModelState, day: number): number {
    if (m.retired || day <= m.registeredDay) return 0
    const age = day - m.registeredDay
    let p = m.appeal * (1 - Math.exp(-age / 20)) // ramp-up over the first weeks
    if (m.decayFrom !== null && day > m.decayFrom) p *= Math.exp(-(day - m.decayFrom) / 45)
    return p * this.scenario.modelFactor(m, day)
  }

  private dailyTraffic(day: number): number[] {
    const [a, b] = this.size.inferencesPerDay
    const growth = this.scenario.demand(day, this.size.days, [a, b])
    const weekday = (new Date(this.t(day) * 1000).getUTCDay() + 6) % 7
    const weekly = weekday >= 5 ? 0.75 : 1.05
    const live = this.models.some((m) => this.popularity(m, day) > 0)
    const volume = this.scenario.volume(day, this.models, this.payers.slice(0, this.size.payers).map((p) => p.weight))
    const n = live ? this.rng.count(growth * weekly * volume) : 0
    const hours = new Array<number>(24).fill(0)
    // daily seasonality: quiet at night UTC, peak in the European/US afternoon
    const shape = Array.from({ length: 24 }, (_, h) => 0.35 + Math.exp(-Math.pow((h - 15) / 4.5, 2)))
    for (let i = 0; i < n; i++) hours[this.rng.weighted(shape)]++
    return hours
  }

  /** One request, served at `at` (unix seconds). */
  private infer(day: number, at: number): void {
    if (!this.dayModelWeights.some((w) => w > 0)) return
    const m = this.models[this.rng.weighted(this.dayModelWeights)]
    const p = this.payers[this.rng.weighted(this.dayPayerWeights)]
    const sample = this.rng.int(0, this.tokenCounts.length - 1)
    const units = this.tokenCounts[sample] + OUTPUT_TOKENS
    const fee = BigInt(units) * m.price
    const op = this.operators[p.operator].active ? this.operators[p.operator] : this.operators[0]
    if (p.payerId === null || p.escrow - p.reserved < fee) this.topUpEscrow(p, fee)
    p.reserved += fee
    const localId = this.opLogs.served(op.id, { at, modelId: m.id, adapterVersion: m.adapterVersion, adapterHash: m.adapterHash, payer: p.address, inputHash: this.inputHashes[sample], units, price: m.price, fee })
    op.pending.push({ modelId: m.id, payerId: p.payerId!, units, fee, localId })
    if (op.pending.length >= this.size.batchSize) this.settle(op, day)
  }

  private payerWeight(p: PayerState, day: number, index: number): number {
    if (!p.agentPattern) return this.scenario.churned(index, day) ? 0 : p.weight
    if (p.weight === 0) return 0
    if (p.agentPattern === 'bursty') return this.rng.chance(0.15) ? p.weight * 6 : p.weight * 0.1
    if (p.agentPattern === 'growing') return p.weight * (day / this.size.days) * 2
    return p.weight
  }

  private topUpEscrow(p: PayerState, atLeast: bigint): void {
    const amount = 500n * OPEN * this.size.walletScale + atLeast
    if (p.wallet < amount) {
      const grant = amount * 4n
      this.send(this.washFunder(p, grant) ?? this.acc.liquidity, this.c.OpenToken, Token.functions.transfer.encode({ to: p.address, value: grant }), 'wallet top-up')
      p.wallet += grant
    }
    this.send(p.address, this.c.InferenceSettlement, Settlement.functions.deposit.encode({ amount }), 'escrow deposit', 200_000n)
    if (p.payerId === null) p.payerId = this.payers.filter((x) => x.payerId !== null).length + 1
    p.wallet -= amount
    p.escrow += amount
  }

  /** Near the end the smallest app stops and takes half of its unreserved escrow back. */
  private escrowWithdrawal(day: number): void {
    const leaving = this.payers.filter((p) => !p.agentPattern && p.payerId !== null).at(-1)
    const requestDay = Math.floor(this.size.days * 0.9)
    if (!leaving) return
    if (day === requestDay) {
      const amount = (leaving.escrow - leaving.reserved) / 2n
      if (amount <= 0n) return
      this.send(leaving.address, this.c.InferenceSettlement, Settlement.functions.requestWithdrawal.encode({ amount }), 'request withdrawal')
      leaving.weight = 0
      this.withdrawal = { payer: leaving, amount, day }
    }
    if (this.withdrawal && day === this.withdrawal.day + 2) {
      this.send(this.withdrawal.payer.address, this.c.InferenceSettlement, Settlement.functions.withdraw.encode({}), 'withdraw escrow')
      this.withdrawal.payer.escrow -= this.withdrawal.amount
      this.withdrawal = null
    }
  }

  private settle(op: OperatorState, day: number): void {
    const receipts = this.authorize(op, op.pending.splice(0, this.size.batchSize))
    if (!receipts.length) return
    const { modelIds, payerIds, packed, cpuMicros, adapterByteSeconds, authorizations } = buildBatch(receipts)
    const byPayerId = new Map(this.payers.filter((p) => p.payerId !== null).map((p) => [p.payerId!, p]))
    let treasury = 0n
    for (const r of receipts) {
      const shares = splitFee(r.fee, this.policy)
      const m = this.models[Number(r.modelId)]
      m.creatorAccrued += shares.creator
      m.pool += shares.contributors
      op.earnings += shares.infra
      treasury += shares.treasury
      const p = byPayerId.get(r.payerId)!
      p.escrow -= r.fee
      p.reserved -= r.fee
    }
    this.treasuryBalance += treasury
    // the batch commits the real head of the operator's usage log
    const firstSeq = op.nextSeq
    const usageLogHead = this.opLogs.batch(op.id, firstSeq, receipts)
    this.driver.send({
      from: op.address,
      to: this.c.InferenceSettlement,
      data: Settlement.functions.settleBatch.encode({ firstSeq, usageLogHead, modelIds, payerIds, receipts: packed, cpuMicros, adapterByteSeconds, authorizations }),
      label: `settle batch of ${receipts.length}`,
      gas: 300_000n + 40_000n * BigInt(receipts.length),
      onMined: (receipt, block) => this.opLogs.settled(op.id, firstSeq, receipt, block),
    })
    op.nextSeq += BigInt(receipts.length)
    op.lastSettleDay = day
    if (op.pending.length >= this.size.batchSize) this.settle(op, day)
  }

  /**
   * Each payer of the batch signs one cumulative authorisation for the operator: what it was
   * charged so far plus this batch, with the last mined block as its recent block (a payer
   * signing as its requests go would sign the same cap by the batch's last request).
   */
  private authorize(op: OperatorState, receipts: OperatorState['pending']): (BatchReceipt & { localId: number })[] {
    const byPayerId = new Map(this.payers.filter((p) => p.payerId !== null).map((p) => [p.payerId!, p]))
    const due = new Map<number, bigint>()
    for (const r of receipts) due.set(r.payerId, (due.get(r.payerId) ?? 0n) + r.fee)
    const recentBlock = Math.max(this.driver.headBlock, this.manifest.startBlock)
    const auths = new Map<number, SignedCharge>()
    for (const [payerId, amount] of due) {
      const p = byPayerId.get(payerId)!
      const cumulativeAmount = (p.charged.get(op.id) ?? 0n) + amount
      p.charged.set(op.id, cumulativeAmount)
      auths.set(payerId, this.chargeDomain.sign(p.key, { payer: p.address, operator: op.address, cumulativeAmount, recentBlock, expiryBlock: recentBlock + 10_000 }))
    }
    return receipts.map((r) => ({ ...r, authorization: auths.get(r.payerId)! }))
  }

  /** settles every operator's pending receipts of a model (before its price changes or it retires) */
  private flushModel(m: ModelState, day: number): void {
    for (const op of this.operators) if (op.active && op.pending.some((r) => r.modelId === m.id)) this.settle(op, day)
  }

  private claimCreator(m: ModelState): void {
    this.send(m.creator, this.c.InferenceSettlement, Settlement.functions.claimCreator.encode({ modelId: m.id }), 'claim creator')
    m.creatorAccrued = 0n
  }

  private claimOperator(op: OperatorState): void {
    this.send(op.address, this.c.InferenceSettlement, Settlement.functions.claimOperator.encode({ operatorId: op.id }), 'claim operator')
    this.washLoop(op, op.earnings)
    op.earnings = 0n
  }

  // ------------------------------------------------------- wash (scenario)

  /** what the wash operator and its wallet hold of the OPEN the workload sent them */
  private washCash = { operator: 0n, wallet: 0n }

  private isWashRole(p: PayerState): boolean {
    const w = this.scenario.wash
    if (!w) return false
    const i = this.payers.indexOf(p)
    return i === w.wallet || w.sybils.includes(i)
  }

  /** the operator's wallet never pays; its sybils carry a large share of traffic, all to that operator */
  private planWash(): void {
    const w = this.scenario.wash
    if (!w) return
    this.payers[w.wallet].weight = 0
    for (const i of w.sybils) {
      this.payers[i].weight = 0.4
      this.payers[i].operator = w.operator
    }
  }

  /** the wash operator buys OPEN and funds its wallet; the wallet funds the sybils, who approve the escrow */
  private washGenesis(): void {
    const w = this.scenario.wash
    if (!w) return
    const scale = this.size.walletScale
    this.washToWallet(15_000n * OPEN * scale)
    const wallet = this.payers[w.wallet].address
    for (const i of w.sybils) {
      const p = this.payers[i]
      p.wallet = 2_000n * OPEN * scale
      this.send(wallet, this.c.OpenToken, Token.functions.transfer.encode({ to: p.address, value: p.wallet }), 'wash: fund sybil')
      this.washCash.wallet -= p.wallet
      this.send(p.address, this.c.OpenToken, Token.functions.approve.encode({ spender: this.c.InferenceSettlement, value: maxUint256 }), 'approve')
    }
  }

  /** the wash operator sends `amount` to its wallet, buying OPEN first when it holds too little */
  private washToWallet(amount: bigint): void {
    const w = this.scenario.wash!
    const op = this.operators[w.operator].address
    if (this.washCash.operator < amount) {
      const buy = amount - this.washCash.operator + 5_000n * OPEN * this.size.walletScale
      this.send(this.acc.liquidity, this.c.OpenToken, Token.functions.transfer.encode({ to: op, value: buy }), 'wash: operator buys OPEN')
      this.washCash.operator += buy
    }
    this.send(op, this.c.OpenToken, Token.functions.transfer.encode({ to: this.payers[w.wallet].address, value: amount }), 'wash: operator funds its wallet')
    this.washCash.operator -= amount
    this.washCash.wallet += amount
  }

  /** a sybil's top-up comes from the operator's wallet (refilled by the operator); null for every other payer */
  private washFunder(p: PayerState, grant: bigint): Address | null {
    if (!this.isWashRole(p)) return null
    if (this.washCash.wallet < grant) this.washToWallet(grant * 2n)
    this.washCash.wallet -= grant
    return this.payers[this.scenario.wash!.wallet].address
  }

  /** the wash operator sends what it claimed back to its wallet: the sybils' fees go round again */
  private washLoop(op: OperatorState, claimed: bigint): void {
    const w = this.scenario.wash
    if (!w || op !== this.operators[w.operator] || claimed === 0n) return
    this.washCash.operator += claimed
    this.washToWallet(claimed)
  }

  // ------------------------------------------------------------- datanets

  private dailyUploads(day: number): { contributor: ContributorState; datanet: number; count: number; hour: number }[] {
    const out = []
    const p = this.size.uploadsPerWeek / 7
    for (const c of this.contributors) {
      if (day < c.joinDay || day >= c.churnDay) continue
      // a contributor's first day always brings an upload, so every joiner is eligible for attribution
      if (day !== c.joinDay && !this.rng.chance(p)) continue
      const datanet = c.second !== null && this.rng.chance(0.3) ? c.second : c.home
      out.push({ contributor: c, datanet, count: this.rng.int(1, 4), hour: this.rng.int(6, 22) })
    }
    return out
  }

  private upload(c: ContributorState, datanet: number, count: number): void {
    const pool = this.datanetPools[datanet]
    const hashes: Hex[] = []
    for (let i = 0; i < count && this.datanetCursor[datanet] < pool.length; i++) {
      const ex = pool[this.datanetCursor[datanet]++]
      hashes.push(this.store.put({ v: 1, label: ex.label, group: ex.group, text: ex.text }))
    }
    if (!hashes.length) return // this datanet's share of the corpus is used up
    this.send(c.address, this.c.DatanetRegistry, Datanets.functions.contribute.encode({ datanetId: BigInt(datanet), contentHashes: hashes }), 'contribute')
    c.counts.set(datanet, (c.counts.get(datanet) ?? 0) + hashes.length)
  }

  // ---------------------------------------------------------- attribution

  /**
   * Pays each model's pool by weights over the contributors of its datanets. Historical workload
   * traffic carries no model inputs, so its weights are synthetic: proportional to a
   * contributor's uploads with seeded noise (the live inference node computes real influence).
   */
  private attributionEpochs(day: number, final = false): void {
    const epochNo = BigInt(Math.floor(day / this.size.epochDays)) + (final ? 1n : 0n)
    for (const m of this.models) {
      if (m.pool === 0n) continue
      const candidates: { datanetId: number; contributor: Address; score: bigint }[] = []
      for (const c of this.contributors) {
        for (const d of m.datanets) {
          const n = c.counts.get(d) ?? 0
          if (n > 0) candidates.push({ datanetId: d, contributor: c.address, score: BigInt(Math.round(n * (0.5 + this.rng.float()) * 1000)) + 1n })
        }
      }
      if (!candidates.length) continue
      candidates.sort((a, b) => (b.score > a.score ? 1 : b.score < a.score ? -1 : 0))
      const kept = candidates.slice(0, this.size.maxAttributionEntries)
      const weights = toFixedPointWeights(kept.map((k) => k.score))
      const entries = kept
        .map((k, i) => ({ datanetId: BigInt(k.datanetId), contributor: k.contributor, weight: Number(weights[i]) }))
        .filter((e) => e.weight > 0)
        .sort((a, b) => (a.datanetId !== b.datanetId ? Number(a.datanetId - b.datanetId) : a.contributor.toLowerCase() < b.contributor.toLowerCase() ? -1 : 1))
      this.driver.send({
        from: this.acc.attributor,
        to: this.c.AttributionSettlement,
        data: encodeSettleEpoch(epochNo, m.id, entries),
        label: 'settle attribution epoch',
        gas: 200_000n + 60_000n * BigInt(entries.length),
        onMined: (receipt, block) => this.opLogs.epoch(m.id, receipt, block),
      })
      m.pool = 0n
      m.nextEpoch = epochNo + 1n
    }
  }

  // ----------------------------------------------------------- incentives

  /** Weekly emissions, tapering 3% a week: contributors, creators, stakers, operators. */
  private payIncentives(day: number): void {
    const week = Math.floor(day / 7)
    const budget = (300n * OPEN * this.size.economyScale * BigInt(Math.round(Math.pow(0.97, week) * 1e6))) / 1_000_000n
    const activeContributors = this.contributors.filter((c) => c.joinDay <= day && day < c.churnDay && c.counts.size > 0)
    const creators = [...new Set(this.models.filter((m) => !m.retired && m.registeredDay < day).map((m) => m.creator))]
    const stakers = [...new Set(this.stakes.filter((s) => !s.done && s.requestedDay === null).map((s) => s.staker))]
    const operators = this.operators.filter((o) => o.active).map((o) => o.address)
    const groups: [Address[], number, number, bigint][] = [
      [activeContributors.map((c) => c.address), 1, 0, (budget * 40n) / 100n],
      [creators, 0, 1, (budget * 30n) / 100n],
      [stakers, 2, 0, (budget * 20n) / 100n],
      [operators, 3, 0, (budget * 10n) / 100n],
    ]
    const reason = keccak256(toHex(`week-${week}`))
    for (const [recipients, role, bucket, total] of groups) {
      const list = recipients.slice(0, 40)
      if (!list.length || total === 0n) continue
      const each = total / BigInt(list.length)
      if (each === 0n) continue
      this.send(
        this.acc.distributor,
        this.c.RewardsDistributor,
        Rewards.functions.payMany.encode({ recipients: list, roles: list.map(() => role), amounts: list.map(() => each), bucket, reason }),
        'pay incentives',
        100_000n + 60_000n * BigInt(list.length),
      )
    }
  }

  // -------------------------------------------------------------- staking

  private stakingActions(day: number): void {
    const scale = this.size.walletScale
    for (const [i, staker] of this.acc.stakers.entries()) {
      const mine = this.stakes.filter((s) => s.staker === staker && !s.done)
      const firstDay = 1 + ((i * 29) % Math.floor(this.size.days * 0.6))
      if (day === firstDay) {
        this.onboard(staker, 60_000n * OPEN * scale, [this.c.Staking])
        this.stake(staker, day, BigInt(this.rng.int(1_000, 20_000)) * OPEN * scale)
      }
      for (const s of mine) {
        if (!s.toppedUp && s.requestedDay === null && day === s.startDay + 40 && this.rng.chance(0.3)) {
          this.send(staker, this.c.Staking, Staking.functions.topUpStake.encode({ stakingId: s.id, topupAmount: BigInt(this.rng.int(500, 5_000)) * OPEN * scale }), 'top up stake')
          s.toppedUp = true
          s.startDay = day // a top-up restarts the stake
        } else if (s.requestedDay === null && day >= s.startDay + 91 && this.rng.chance(0.2)) {
          this.send(staker, this.c.Staking, Staking.functions.requestUnstake.encode({ stakingId: s.id }), 'request unstake')
          s.requestedDay = day
        } else if (s.requestedDay !== null && day >= s.requestedDay + 8) {
          this.send(staker, this.c.Staking, Staking.functions.unstake.encode({ stakingId: s.id }), 'unstake')
          s.done = true
          if (this.rng.chance(0.5)) this.stake(staker, day, BigInt(this.rng.int(1_000, 10_000)) * OPEN * scale)
        }
      }
    }
  }

  private stake(staker: Address, day: number, amount: bigint): void {
    this.send(staker, this.c.Staking, Staking.functions.stake.encode({ configId: 1n, onBehalfOf: staker, amount }), 'stake')
    this.stakes.push({ id: this.nextStakeId++, staker, startDay: day, toppedUp: false, requestedDay: null, done: false })
  }

  // --------------------------------------------------------------- agents

  private agentActions(day: number): void {
    const s = this.size
    for (const [i, a] of this.agents.entries()) {
      const regDay = 20 + i * 23
      const payer = this.payers.find((p) => p.address === a.address)!
      if (day === regDay) {
        const stake = BigInt(10_000 + this.rng.int(0, 20_000)) * OPEN
        payer.wallet = stake + 5_000n * OPEN * s.walletScale
        this.onboard(a.address, payer.wallet, [this.c.AgentRegistry, this.c.InferenceSettlement])
        this.send(a.address, this.c.AgentRegistry, Agents.functions.register.encode({ operatorId: this.operators[a.operator].id, stake }), 'register agent')
        payer.wallet -= stake
        payer.weight = 0.6
      }
      if (day === regDay + 60 && a.exiting === null) {
        if (payer.wallet < 2_000n * OPEN) {
          this.send(this.acc.liquidity, this.c.OpenToken, Token.functions.transfer.encode({ to: a.address, value: 10_000n * OPEN }), 'wallet top-up')
          payer.wallet += 10_000n * OPEN
        }
        this.send(a.address, this.c.AgentRegistry, Agents.functions.topUp.encode({ amount: 2_000n * OPEN }), 'agent top-up')
        payer.wallet -= 2_000n * OPEN
      }
    }
    // slashing: one agent for bad output, another for a missed SLA
    const slash = (idx: number, amount: bigint, reason: number) => {
      const a = this.agents[idx]
      if (!a || a.slashed || a.exiting !== null) return
      this.send(this.acc.slasher, this.c.AgentRegistry, Agents.functions.slash.encode({ account: a.address, amount, reason }), 'slash agent')
      a.slashed = true
      this.treasuryBalance += amount - (amount * BigInt(GENESIS_PARAMS.slashBurnBps)) / 10_000n
    }
    if (day === Math.floor(s.days * 0.55)) slash(1, 3_000n * OPEN, 1)
    if (day === Math.floor(s.days * 0.75)) slash(3, 1_500n * OPEN, 2)
    // the last agent winds down: stops spending, requests exit, withdraws after the cooldown
    const last = this.agents[this.agents.length - 1]
    const exitDay = Math.floor(s.days * 0.8)
    if (last && day === exitDay) {
      this.send(last.address, this.c.AgentRegistry, Agents.functions.requestExit.encode({}), 'agent exit')
      last.exiting = day
      this.payers.find((p) => p.address === last.address)!.weight = 0
    }
    if (last && last.exiting !== null && day === last.exiting + 8) {
      this.send(last.address, this.c.AgentRegistry, Agents.functions.withdraw.encode({}), 'agent withdraw')
    }
  }
}
