// What the indexer wants from the chain, declared once (Subsquid's processor builder): the RPC
// endpoint (and an optional SQD gateway), finality, the block range and every protocol log of
// the contracts configured on this network; with native fees, every transaction's receipt.
import {
  EvmBatchProcessor,
  type BlockHeader,
  type DataHandlerContext,
  type EvmBatchProcessorFields,
  type Log as _Log,
} from '@subsquid/evm-processor'
import type { Store } from '@subsquid/typeorm-store'
import type { IndexerConfig } from './config'
import * as StakingAbi from '../abi/Staking'
import { FEE_VAULT_ADDRESSES, WITHDRAWAL_TOPICS } from './fold/native-fees'

export const FIELDS = {
  block: { timestamp: true },
  log: { transactionHash: true, topics: true, data: true },
  transaction: { from: true, to: true, input: true },
} as const

/** With native fees: the receipt fields the fee fold reads (Subsquid fetches receipts only when asked). */
export const FEE_FIELDS = {
  ...FIELDS,
  transaction: { ...FIELDS.transaction, hash: true, type: true, gasUsed: true, effectiveGasPrice: true, l1Fee: true, status: true },
} as const

export function createProcessor(cfg: IndexerConfig) {
  const p = new EvmBatchProcessor()
    .setRpcEndpoint({
      url: cfg.rpcUrl,
      rateLimit: cfg.rpcRateLimit,
      requestTimeout: cfg.rpcTimeoutMs,
      maxBatchCallSize: 200,
      capacity: 10,
    })
    .setRpcDataIngestionSettings({ headPollInterval: cfg.headPollMs })
    .setFinalityConfirmation(cfg.finalityConfirmation)
    // receipt fields only with native fees: asking for them makes Subsquid fetch every block's receipts
    // (the Fields type includes them; the fee fold is the only reader and runs only with native fees)
    .setFields((cfg.nativeFees ? FEE_FIELDS : FIELDS) as typeof FEE_FIELDS)
    .setBlockRange({ from: cfg.startBlock, to: cfg.toBlock })
  // an empty address list would select every log of the chain
  if (cfg.watchedAddresses.length) p.addLog({ address: cfg.watchedAddresses })
  if (cfg.contracts.Staking) {
    // Staking's events carry no parameters: the calls that emitted them do (no archive eth_call needed)
    p.addLog({
      address: [cfg.contracts.Staking.toLowerCase()],
      topic0: [
        StakingAbi.events.ConfigCreated.topic,
        StakingAbi.events.ConfigSet.topic,
        StakingAbi.events.Staked.topic,
        StakingAbi.events.RequestUnstake.topic,
        StakingAbi.events.Unstaked.topic,
      ],
      transaction: true,
    })
  }
  if (cfg.nativeFees) {
    p.addTransaction({})
    if (cfg.nativeFees.opStack) p.addLog({ address: FEE_VAULT_ADDRESSES, topic0: WITHDRAWAL_TOPICS })
  }
  if (cfg.gatewayUrl) p.setGateway(cfg.gatewayUrl)
  return p
}

export type Fields = EvmBatchProcessorFields<ReturnType<typeof createProcessor>>
export type Block = BlockHeader<Fields>
export type Log = _Log<Fields>
export type ProcessorContext = DataHandlerContext<Store, Fields>
