// .ci/run's closing line: every failed test and every file that failed without a failed test of its
// own (import error, failing beforeAll) is counted, and a run that failed outside any file is a failure.
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

const { count } = createRequire(import.meta.url)('../../.ci/count.js') as {
  count(report: unknown, status: number): { passed: number; failed: number }
}

const file = (status: string, tests: string[]) => ({ status, assertionResults: tests.map((s) => ({ status: s })) })

describe('.ci/count.js', () => {
  it('counts a failed test and, separately, a file that failed in its setup', () => {
    const report = {
      testResults: [file('failed', ['passed', 'failed']), file('failed', ['skipped', 'skipped']), file('passed', ['passed', 'passed'])],
    }
    expect(count(report, 1)).toEqual({ passed: 3, failed: 2 })
  })

  it('counts a file that failed to import (no tests at all)', () => {
    expect(count({ testResults: [file('failed', []), file('passed', ['passed'])] }, 1)).toEqual({ passed: 1, failed: 1 })
  })

  it('a non-zero exit with every file green is one failure (global teardown), a green run none', () => {
    const report = { testResults: [file('passed', ['passed'])] }
    expect(count(report, 1)).toEqual({ passed: 1, failed: 1 })
    expect(count(report, 0)).toEqual({ passed: 1, failed: 0 })
  })
})
