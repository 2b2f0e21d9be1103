// Deploys the reference protocol in one block: addresses are predicted from the deployer's
// nonce, so constructors can point at contracts deployed later in the same block.
import { encodeDeployData, keccak256, toHex, type Address, type Hex } from 'viem'
import { artifact, type ContractName } from '../chain/artifacts'
import type { ChainDriver } from './driver'
import * as settlementAbi from '../abi/InferenceSettlement'
import type { DeploymentManifest } from './manifest'

const OPEN = 10n ** 18n

/** Protocol parameters at genesis (all governed afterwards; see docs/PROTOCOL.md). */
export const GENESIS_PARAMS = {
  // creator / contributors / infrastructure / treasury / burn, in basis points
  feeSplit: [4000, 3000, 2000, 800, 200] as const,
  deploymentFee: 5_000n * OPEN,
  priceGrace: 86_400n,
  escrowWithdrawDelay: 86_400n,
  agentMinStake: 10_000n * OPEN,
  agentExitCooldown: 7n * 86_400n,
  slashBurnBps: 5000,
}

export interface DeployAccounts {
  governance: Address
  treasury: Address
  liquidity: Address
  stakingBank: Address
  distributor: Address
  attributor: Address
  slasher: Address
  operators: Address[]
}

export async function deployProtocol(
  driver: ChainDriver,
  accounts: DeployAccounts,
  chainId: number,
  rpcUrl: string,
  timestamp: number,
): Promise<DeploymentManifest> {
  const gov = accounts.governance
  const order: ContractName[] = [
    'FeePolicy',
    'DatanetRegistry',
    'OpenToken',
    'TokenVesting',
    'RewardsDistributor',
    'ModelRegistry',
    'InferenceSettlement',
    'AttributionSettlement',
    'Staking',
    'AgentRegistry',
  ]
  const addr = {} as Record<ContractName, Address>
  for (let i = 0; i < order.length; i++) addr[order[i]] = await driver.predictAddress(gov, i)

  const open = (n: ContractName) => artifact(n)
  const constructorArgs: Record<ContractName, readonly unknown[]> = {
    FeePolicy: [gov, ...GENESIS_PARAMS.feeSplit],
    DatanetRegistry: [],
    OpenToken: [addr.RewardsDistributor, addr.RewardsDistributor, addr.TokenVesting, addr.TokenVesting, accounts.liquidity],
    TokenVesting: [addr.OpenToken, gov, 150_000_000n * OPEN, 182_900_000n * OPEN],
    RewardsDistributor: [addr.OpenToken, gov, 517_100_000n * OPEN, 100_000_000n * OPEN],
    ModelRegistry: [addr.OpenToken, addr.DatanetRegistry, accounts.treasury, gov, GENESIS_PARAMS.deploymentFee, GENESIS_PARAMS.priceGrace],
    InferenceSettlement: [addr.OpenToken, addr.ModelRegistry, addr.FeePolicy, accounts.treasury, gov, GENESIS_PARAMS.escrowWithdrawDelay],
    AttributionSettlement: [addr.OpenToken, addr.InferenceSettlement, addr.DatanetRegistry, gov],
    Staking: [gov],
    AgentRegistry: [
      addr.OpenToken,
      addr.InferenceSettlement,
      accounts.treasury,
      gov,
      GENESIS_PARAMS.agentMinStake,
      GENESIS_PARAMS.agentExitCooldown,
      GENESIS_PARAMS.slashBurnBps,
    ],
  }
  for (const name of order) {
    const a = open(name)
    driver.send({
      from: gov,
      data: encodeDeployData({ abi: a.abi, bytecode: a.bytecode, args: constructorArgs[name] }),
      gas: 8_000_000n,
      label: `deploy ${name}`,
    })
  }
  const role = (name: string): Hex => keccak256(toHex(name))
  const grant = (to: Address, r: Hex, account: Address, label: string) =>
    driver.send({ from: gov, to, data: settlementAbi.functions.grantRole.encode({ role: r, account }), gas: 200_000n, label })
  grant(addr.InferenceSettlement, role('POOL_ROLE'), addr.AttributionSettlement, 'grant POOL_ROLE')
  grant(addr.AttributionSettlement, role('ATTRIBUTOR_ROLE'), accounts.attributor, 'grant ATTRIBUTOR_ROLE')
  grant(addr.RewardsDistributor, role('DISTRIBUTOR_ROLE'), accounts.distributor, 'grant DISTRIBUTOR_ROLE')
  grant(addr.Staking, role('TRUSTED_BANK'), accounts.stakingBank, 'grant TRUSTED_BANK')
  grant(addr.AgentRegistry, role('SLASHER_ROLE'), accounts.slasher, 'grant SLASHER_ROLE')
  for (const op of accounts.operators) {
    driver.send({
      from: gov,
      to: addr.InferenceSettlement,
      data: settlementAbi.functions.registerOperator.encode({ account: op }),
      gas: 200_000n,
      label: `register operator ${op}`,
    })
  }
  const block = await driver.mine(timestamp)
  for (let i = 0; i < order.length; i++) {
    const got = block.receipts[i].contractAddress?.toLowerCase()
    if (got !== addr[order[i]].toLowerCase()) throw new Error(`deploy ${order[i]}: predicted ${addr[order[i]]}, got ${got}`)
  }
  return { chainId, rpcUrl, startBlock: block.number, contracts: addr, accounts, stakingConfigId: 1 }
}
