// Option parsers shared by commands: reject bad values with a message that says what to pass.
import { InvalidArgumentError } from 'commander'
import { scenarioName, type ScenarioName } from '../workload/scenarios'

export function intOption(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number, got "${value}"`)
    const n = Number(value)
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be between ${min} and ${max}, got ${value}`)
    return n
  }
}

/** --scenario: one of the workload scenarios (src/workload/scenarios.ts) */
export function scenarioOption(value: string): ScenarioName {
  try {
    return scenarioName(value)
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message)
  }
}
