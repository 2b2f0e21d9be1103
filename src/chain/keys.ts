// Keys: a raw private key or an encrypted keystore file (src/config reads which from NAME_KEY or
// NAME_KEYSTORE with NAME_KEYSTORE_PASSWORD[_FILE]). Never logged. The well-known anvil
// development keys are accepted on the devnet only (chain 31337) and refused on any other chain.
import crypto from 'node:crypto'
import fs from 'node:fs'
import { keccak256, type Hex } from 'viem'
import { HDKey, hdKeyToAccount, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import { mnemonicToSeedSync } from '@scure/bip39'
import { signHash } from '../util/hash'
import { KeyError } from '../util/errors'

/** The devnet's chain id and the public anvil mnemonic its accounts come from. */
export const DEVNET_CHAIN_ID = 31337
export const DEVNET_MNEMONIC = 'test test test test test test test test test test test junk'

/** A loaded key: a viem account for transactions and a fast signer for log records. */
export interface KeyHandle {
  account: PrivateKeyAccount
  address: `0x${string}`
  signHash(hash: Hex): Hex
}

export function keyHandle(privateKey: Hex): KeyHandle {
  const account = privateKeyToAccount(privateKey)
  return { account, address: account.address, signHash: (hash) => signHash(privateKey, hash) }
}

export { KeyError }

/** How many accounts of the public anvil mnemonic count as "well known". */
const WELL_KNOWN_COUNT = 500
let wellKnown: Set<string> | undefined
let devnetRoot: HDKey | undefined

/** The public mnemonic's HD root, derived once (its seed costs 2048 PBKDF2 rounds). */
function root(): HDKey {
  devnetRoot ??= HDKey.fromMasterSeed(mnemonicToSeedSync(DEVNET_MNEMONIC))
  return devnetRoot
}

export function isWellKnownDevAddress(address: string): boolean {
  wellKnown ??= new Set(Array.from({ length: WELL_KNOWN_COUNT }, (_, i) => hdKeyToAccount(root(), { addressIndex: i }).address.toLowerCase()))
  return wellKnown.has(address.toLowerCase())
}

/** The private key of devnet account `index` (anvil's public mnemonic): devnet use only. */
export function devnetPrivateKey(index: number): Hex {
  const key = hdKeyToAccount(root(), { addressIndex: index }).getHdKey().privateKey
  if (!key) throw new KeyError(`cannot derive devnet key ${index}`)
  return ('0x' + Buffer.from(key).toString('hex')) as Hex
}

export function guardKey<K extends { address: string }>(key: K, chainId: number, what: string): K {
  if (chainId !== DEVNET_CHAIN_ID && isWellKnownDevAddress(key.address)) {
    throw new KeyError(`refusing ${what}: ${key.address} is a well-known anvil development key, allowed on the devnet (chain ${DEVNET_CHAIN_ID}) only, not on chain ${chainId}`)
  }
  return key
}

/** Decrypts a Web3 Secret Storage (v3) keystore: scrypt or pbkdf2, aes-128-ctr, keccak MAC. */
export function decryptKeystore(json: string, password: string): Hex {
  let ks: {
    version: number
    crypto?: { cipher: string; ciphertext: string; cipherparams: { iv: string }; kdf: string; kdfparams: Record<string, number | string>; mac: string }
    Crypto?: unknown
  }
  try {
    ks = JSON.parse(json)
  } catch {
    throw new KeyError('keystore is not valid JSON')
  }
  const c = (ks.crypto ?? ks.Crypto) as NonNullable<typeof ks.crypto>
  if (ks.version !== 3 || !c) throw new KeyError('keystore is not a version 3 keystore')
  if (c.cipher !== 'aes-128-ctr') throw new KeyError(`keystore cipher ${c.cipher} is not supported (aes-128-ctr is)`)
  const p = c.kdfparams
  const salt = Buffer.from(String(p.salt), 'hex')
  let derived: Buffer
  if (c.kdf === 'scrypt') {
    derived = crypto.scryptSync(Buffer.from(password.normalize('NFKC')), salt, Number(p.dklen), { N: Number(p.n), r: Number(p.r), p: Number(p.p), maxmem: 512 * 1024 * 1024 })
  } else if (c.kdf === 'pbkdf2') {
    if (p.prf !== 'hmac-sha256') throw new KeyError(`keystore pbkdf2 prf ${p.prf} is not supported`)
    derived = crypto.pbkdf2Sync(Buffer.from(password.normalize('NFKC')), salt, Number(p.c), Number(p.dklen), 'sha256')
  } else throw new KeyError(`keystore kdf ${c.kdf} is not supported (scrypt or pbkdf2 are)`)
  const ciphertext = Buffer.from(c.ciphertext, 'hex')
  const mac = keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])).slice(2)
  if (mac !== c.mac.toLowerCase()) throw new KeyError('wrong keystore password (MAC mismatch)')
  const decipher = crypto.createDecipheriv('aes-128-ctr', derived.subarray(0, 16), Buffer.from(c.cipherparams.iv, 'hex'))
  const key = Buffer.concat([decipher.update(ciphertext), decipher.final()])
  return ('0x' + key.toString('hex')) as Hex
}

/** Where a key comes from (parsed from NAME_KEY / NAME_KEYSTORE by src/config). */
export type KeySource = { name: string; key: Hex } | { name: string; keystore: string; password: string }

/**
 * The key of a source, refused on any chain but the devnet if it is a well-known anvil key.
 * Throws KeyError with a line that names the variable, never the key.
 */
export function keyFromSource(source: KeySource, chainId: number): KeyHandle {
  const name = source.name
  const key = 'key' in source ? source.key : decryptKeystore(fs.readFileSync(source.keystore, 'utf8'), source.password)
  let handle: KeyHandle
  try {
    handle = keyHandle(key)
  } catch {
    throw new KeyError(`${name}_KEY is not a valid secp256k1 private key`)
  }
  return guardKey(handle, chainId, `${name}_KEY`)
}
