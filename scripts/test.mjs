#!/usr/bin/env node
// @ts-check
/**
 * `npm test`: the one test command. Runs typecheck, lint, the production build, then
 * every vitest project (unit, integration against real PGlite and the real model fixture,
 * end-to-end in Debian's Chromium), and prints one `N passed, N failed` line. Each of the
 * first three steps counts as one check; each vitest test counts as one.
 *
 * `npm test -- --project unit` (or any vitest arguments) runs only what you name, after
 * the same checks; set ENGRAM_TEST_SKIP_CHECKS=1 to skip typecheck/lint/build.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const extra = process.argv.slice(2)
/** @type {Array<{ name: string, ok: boolean, seconds: number }>} */
const results = []

/** @param {string} name @param {string} cmd @param {string[]} args */
function step(name, cmd, args) {
  process.stdout.write(`\n=== ${name}: ${[cmd, ...args].join(' ')}\n`)
  const t = Date.now()
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env })
  const ok = r.status === 0
  results.push({ name, ok, seconds: Math.round((Date.now() - t) / 100) / 10 })
  return ok
}

if (!process.env.ENGRAM_TEST_SKIP_CHECKS) {
  step('typecheck', 'npm', ['run', '--silent', 'typecheck'])
  step('lint', 'npm', ['run', '--silent', 'lint'])
  step('build', 'npx', ['electron-vite', 'build'])
}

const reportDir = join(root, 'test-results')
mkdirSync(reportDir, { recursive: true })
const report = join(reportDir, 'vitest.json')
rmSync(report, { force: true })
step('vitest', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra])

let passed = results.filter((r) => r.ok && r.name !== 'vitest').length
let failed = results.filter((r) => !r.ok && r.name !== 'vitest').length
let skipped = 0
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'))
  passed += json.numPassedTests ?? 0
  failed += json.numFailedTests ?? 0
  skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0)
  // A file that fails to load has no tests to count: count it as a failure.
  for (const file of json.testResults ?? []) if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed++
} else {
  failed++
}
const vitestFailedWithoutCount = results.find((r) => r.name === 'vitest' && !r.ok) && failed === 0
if (vitestFailedWithoutCount) failed++

process.stdout.write('\n=== summary\n')
for (const r of results) process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds}s)\n`)
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`)
process.exit(failed === 0 ? 0 : 1)
