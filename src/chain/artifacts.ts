// Compiled contracts (written by `npm run build` from contracts/ with solc-js).
import fs from 'node:fs'
import path from 'node:path'
import type { Abi, Hex } from 'viem'
import { PROJECT_ROOT } from '../util/paths'

export const CONTRACT_NAMES = [
  'OpenToken',
  'Staking',
  'TokenVesting',
  'DatanetRegistry',
  'ModelRegistry',
  'FeePolicy',
  'InferenceSettlement',
  'AttributionSettlement',
  'RewardsDistributor',
  'AgentRegistry',
] as const
export type ContractName = (typeof CONTRACT_NAMES)[number]

export interface Artifact {
  contractName: ContractName
  abi: Abi
  bytecode: Hex
}

export { PROJECT_ROOT }
const cache = new Map<ContractName, Artifact>()

export function artifact(name: ContractName): Artifact {
  let a = cache.get(name)
  if (!a) {
    const file = path.join(PROJECT_ROOT, 'build', 'contracts', `${name}.json`)
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`)
    a = JSON.parse(fs.readFileSync(file, 'utf8')) as Artifact
    cache.set(name, a)
  }
  return a
}

/** Every protocol ABI, for decoding custom errors in messages. */
export function allAbis(): Abi {
  return CONTRACT_NAMES.flatMap((n) => artifact(n).abi) as Abi
}
