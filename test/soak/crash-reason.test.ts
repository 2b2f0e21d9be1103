// The soak groups the indexer's own exits by reason: the lines below are what the indexer printed
// before exits the one-hour soak counted as "no error line" (captured by the soak's live log).
import { describe, expect, it } from 'vitest'
import { crashReason } from '../../src/faults/soak'

const FORK = '{"level":2,"time":1796093974474,"ns":"sqd:processor","msg":"navigating a fork between 1114#7008b to 1119#78a9f with a common base 1101#1faca"}'
// @subsquid/logger writes an Error as its stack alone (no message field)
const REFUSED =
  '{"level":5,"time":1796093974699,"ns":"sqd:processor","err":{"stack":"Error: connect ECONNREFUSED 127.0.0.1:43487\\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)","errno":-111,"code":"ECONNREFUSED","syscall":"connect","address":"127.0.0.1","port":43487}}'

describe('crash reasons', () => {
  it("reads a fatal @subsquid/logger line whose error is only a stack, masking the port", () => {
    expect(crashReason(1, null, `${FORK}\n${REFUSED}\n`)).toBe('exit 1: Error: connect ECONNREFUSED N.N.N.N:N')
  })

  it('the same failure on another port groups with it', () => {
    expect(crashReason(1, null, REFUSED.replaceAll('43487', '5432'))).toBe(crashReason(1, null, REFUSED))
  })

  it("the CLI's one line, and info lines that are not reasons", () => {
    expect(crashReason(4, null, `${FORK}\nupkeep: RPC http://127.0.0.1:9 answered HTTP 429 to eth_getCode\n`)).toBe('exit 4: upkeep: RPC http://N.N.N.N:N answered HTTP N to eth_getCode')
    expect(crashReason(1, null, `${FORK}\n`)).toBe('exit 1: no error line')
    expect(crashReason(null, 'SIGSEGV', '')).toBe('signal SIGSEGV: no error line')
  })
})
