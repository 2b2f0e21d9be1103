// Prints "N passed, N failed" from vitest's JSON report (argv[2]) and the run's exit status (argv[3]).
// Failed = failed tests + failed files that have no failed test of their own (an import error or a
// failing beforeAll, whose tests are then skipped) + 1 when vitest failed outside any file (e.g. the
// global teardown's check for leftover processes). A missing or unreadable report is one failure.
'use strict'
const fs = require('node:fs')

function count(report, status) {
  let passed = 0
  let failed = 0
  for (const file of report.testResults ?? []) {
    const tests = file.assertionResults ?? []
    const failedTests = tests.filter((t) => t.status === 'failed').length
    passed += tests.filter((t) => t.status === 'passed').length
    failed += failedTests
    if (file.status === 'failed' && failedTests === 0) failed += 1
  }
  if (status !== 0 && failed === 0) failed = 1
  return { passed, failed }
}

if (require.main === module) {
  const status = Number(process.argv[3] ?? 0)
  let report
  try {
    report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
  } catch {
    console.log('0 passed, 1 failed')
    process.exit(0)
  }
  const { passed, failed } = count(report, status)
  console.log(`${passed} passed, ${failed} failed`)
}

module.exports = { count }
