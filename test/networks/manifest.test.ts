// Manifests and profiles with only some contracts: each contract optional, malformed input refused
// with one message naming the field, the reference protocol required only where it is needed.
import { describe, expect, it } from 'vitest'
import { requireReferenceProtocol, validateManifest, type NetworkManifest } from '../../src/devnet/manifest'
import { ETHEREUM_OPEN, PROFILES, profileManifest } from '../../src/devnet/networks'
import { ConfigError, ManifestError } from '../../src/util/errors'

const base = (extra: Record<string, unknown> = {}) => ({ chainId: 1612, rpcUrl: 'http://127.0.0.1:1', startBlock: 0, ...extra }) as unknown as NetworkManifest

describe('validateManifest', () => {
  it('accepts any subset of the contracts, checksums them and lowercases labels', () => {
    const m = validateManifest(base({ contracts: { Staking: '0x2279b7a0a67db372996a5fab50d91eaa73d2ebe6' }, labels: { '0xB548A9D3E8A3FBD821BD52FB915D752BDC8CF679': 'bridge' } }))
    expect(m.contracts).toEqual({ Staking: '0x2279B7A0a67DB372996a5FaB50D91eAA73d2eBe6' })
    expect(m.labels).toEqual({ '0xb548a9d3e8a3fbd821bd52fb915d752bdc8cf679': 'bridge' })
    expect(validateManifest(base()).contracts).toEqual({})
  })

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['an unknown contract', { contracts: { Stakingg: '0x2279b7a0a67db372996a5fab50d91eaa73d2ebe6' } }, /contracts\.Stakingg is not a known contract \(known: OpenToken, Staking/],
    ['a bad address', { contracts: { OpenToken: '0x12' } }, /contracts\.OpenToken is not an address: 0x12/],
    ['contracts that are not an object', { contracts: 'all' }, /contracts must be an object of addresses/],
    ['a label on a non-address', { labels: { treasury: 'x' } }, /labels\.treasury must map an address to a non-empty label/],
    ['an empty label', { labels: { '0xb548a9d3e8a3fbd821bd52fb915d752bdc8cf679': '' } }, /must map an address to a non-empty label/],
    ['a malformed nativeFees', { nativeFees: { opStack: 'yes' } }, /nativeFees must be \{ "opStack": true\|false \}/],
    ['a chain id of 0', { chainId: 0 }, /chainId must be a positive integer/],
    ['a negative start block', { startBlock: -1 }, /startBlock must be a block number/],
  ]
  for (const [name, extra, message] of bad) {
    it(`refuses ${name} in one message naming the field`, () => {
      expect(() => validateManifest(base(extra), 'm.json')).toThrow(ManifestError)
      expect(() => validateManifest(base(extra), 'm.json')).toThrow(message)
    })
  }

  it('the node and verify need the whole reference protocol and name what is missing (serve and report answer null with the reason instead)', () => {
    const m = validateManifest(base({ contracts: { OpenToken: ETHEREUM_OPEN } }))
    expect(() => requireReferenceProtocol(m, '`upkeep node`', 'm.json')).toThrow(
      'm.json: `upkeep node` needs the reference protocol, but contracts Staking, TokenVesting, DatanetRegistry, ModelRegistry, FeePolicy, InferenceSettlement, AttributionSettlement, RewardsDistributor, AgentRegistry are not configured',
    )
  })
})

describe('profiles', () => {
  it('ethereum: OPEN from its deployment block, the LayerZero adapter labelled; RPC_URL overrides the profile variable', () => {
    const m = profileManifest('ethereum', { ETHEREUM_RPC_URL: 'http://eth.invalid' })
    expect(m).toMatchObject({ network: 'ethereum', chainId: 1, rpcUrl: 'http://eth.invalid', startBlock: 22846566, contracts: { OpenToken: ETHEREUM_OPEN } })
    expect(m.labels!['0xb548a9d3e8a3fbd821bd52fb915d752bdc8cf679']).toBe('bridge:layerzero-oft-adapter')
    expect(m.nativeFees).toBeUndefined()
    expect(profileManifest('ethereum', { ETHEREUM_RPC_URL: 'http://eth.invalid' }, 'http://override.invalid').rpcUrl).toBe('http://override.invalid')
  })

  it('openledger and its testnet: OP Stack native fees, no contract assumed', () => {
    for (const [name, id] of [['openledger', 1612], ['openledger-testnet', 161201]] as const) {
      const m = profileManifest(name, { [PROFILES[name].rpcEnv]: 'http://l2.invalid' })
      expect(m).toMatchObject({ chainId: id, contracts: {}, nativeFees: { opStack: true } })
    }
  })

  it('without an RPC: one line naming the variable to set', () => {
    expect(() => profileManifest('openledger-testnet', {})).toThrow(ConfigError)
    expect(() => profileManifest('openledger-testnet', {})).toThrow('--network openledger-testnet needs an RPC of chain 161201: set OPENLEDGER_TESTNET_RPC_URL (or RPC_URL)')
  })
})
