/**
 * `npm run bench [suite…]`: runs the bench suites and merges their metrics into
 * bench/results.json (suites not run keep their last numbers), then writes the short
 * human-readable bench/RESULTS.md. Each suite lives in bench/suites/<name>.ts.
 */
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import type { BenchSuite, Metric } from './lib'

interface Results {
  machine: { cpus: number; model: string; memoryGb: number; node: string }
  updatedAt: string
  metrics: Record<string, Metric & { suite: string; measuredAt: string }>
}

const dir = import.meta.dirname
const resultsFile = join(dir, 'results.json')

async function main(): Promise<void> {
  const only = process.argv.slice(2)
  const files = readdirSync(join(dir, 'suites')).filter((f) => f.endsWith('.ts')).sort()
  const previous: Results | null = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Results) : null
  const results: Results = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
    updatedAt: new Date().toISOString(),
    metrics: { ...(previous?.metrics ?? {}) }
  }
  let failures = 0
  for (const f of files) {
    const { suite } = (await import(join(dir, 'suites', f))) as { suite: BenchSuite }
    if (only.length && !only.includes(suite.name)) continue
    process.stdout.write(`bench ${suite.name}…\n`)
    try {
      const metrics = await suite.run()
      for (const [k, m] of Object.entries(metrics)) {
        results.metrics[k] = { ...m, suite: suite.name, measuredAt: results.updatedAt }
        process.stdout.write(`  ${k} = ${m.value} ${m.unit}${m.target ? ` (target ${m.target})` : ''}\n`)
      }
    } catch (err) {
      failures++
      process.stderr.write(`  suite ${suite.name} failed: ${(err as Error).stack ?? String(err)}\n`)
    }
  }
  // Merge into what is on disk now, not what was there at start: another suite may have
  // written its numbers while this one ran.
  const onDisk: Results | null = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Results) : null
  results.metrics = { ...(onDisk?.metrics ?? {}), ...Object.fromEntries(Object.entries(results.metrics).filter(([, m]) => m.measuredAt === results.updatedAt)) }
  writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n')
  const lines = [
    '# Bench results',
    '',
    `Machine: ${results.machine.cpus} cores (${results.machine.model}), ${results.machine.memoryGb} GiB, Node ${results.machine.node}. Updated ${results.updatedAt}.`,
    '',
    '| metric | value | target | note |',
    '|---|---|---|---|',
    ...Object.entries(results.metrics)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, m]) => `| \`${k}\` | ${m.value} ${m.unit} | ${m.target ?? ''} | ${m.note ?? ''} |`),
    ''
  ]
  writeFileSync(join(dir, 'RESULTS.md'), lines.join('\n'))
  process.stdout.write(`wrote ${resultsFile}\n`)
  process.exit(failures ? 1 : 0)
}

void main()
