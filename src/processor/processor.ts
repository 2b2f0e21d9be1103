// What the indexer wants from the chain, declared once (Subsquid's processor builder): the RPC
// endpoint (and an optional SQD gateway), finality, the block range and every protocol log.
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

export const FIELDS = {
  block: { timestamp: true },
  log: { transactionHash: true, topics: true, data: true },
  transaction: { from: true, to: true, input: true },
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
    .setFields(FIELDS)
    .setBlockRange({ from: cfg.startBlock, to: cfg.toBlock })
    .addLog({ address: cfg.watchedAddresses })
    // Staking's events carry no parameters: the calls that emitted them do (no archive eth_call needed)
    .addLog({
      address: [cfg.contracts.Staking.toLowerCase()],
      topic0: [StakingAbi.events.ConfigCreated.topic, StakingAbi.events.ConfigSet.topic, StakingAbi.events.Staked.topic],
      transaction: true,
    })
  if (cfg.gatewayUrl) p.setGateway(cfg.gatewayUrl)
  return p
}

export type Fields = EvmBatchProcessorFields<ReturnType<typeof createProcessor>>
export type Block = BlockHeader<Fields>
export type Log = _Log<Fields>
export type ProcessorContext = DataHandlerContext<Store, Fields>
