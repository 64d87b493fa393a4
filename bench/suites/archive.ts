/**
 * Profile archives at scale: a profile with N memories (default 100,000; BENCH_ARCHIVE_SIZE
 * to change it), each with a 384-dim vector, exported to a `.engram` file and imported
 * back as a new profile.
 *
 * - export.100k_s: `profiles:export` wall time (snapshot read with a cursor, NDJSON parts,
 *   gzip, write, fsync, rename).
 * - export.size_mb: the archive's size.
 * - import_archive.100k_s: `profiles:importArchive` wall time (unpack + verify checksums,
 *   fresh database, load in one transaction, indexes, migrations, counts checked).
 *
 * Seeding: realistic memory rows (150-300 characters of text from a seeded vocabulary,
 * topics, importance, dates) inserted in bulk in pgvector's binary format; each vector is one
 * of 256 random topic directions plus noise of its own (embedding 100k texts with ONNX would
 * take longer than the thing measured). Export/import cost depends on their count and
 * dimension, and the import's HNSW build on their being distinct. The seeded profile has no HNSW index (export
 * never reads it); the import builds every index, and its time includes that.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAppCore } from '../../src/main/core/app-core'
import { toVectorParam } from '../../src/main/db/vector'
import { importArchive } from '../../src/main/features/profile-archive/archive.import'
import { contentHash } from '../../src/main/features/memories/normalize'
import { round, type BenchSuite, type Metric } from '../lib'
import { mulberry32, quiet } from '../seed'

const N = Number(process.env['BENCH_ARCHIVE_SIZE'] ?? 100_000)


const WORDS =
  'remember meeting garden bicycle recipe sourdough flour water starter oven temperature glacier crampons hiking trail mountain river tea oolong kettle minutes library book chapter author idea project deadline invoice client email password router firmware update backup drive folder photo camera lens train ticket station platform doctor appointment dentist insurance policy renewal birthday gift sister brother parents weekend holiday flight hotel passport visa language course grammar verb lesson piano scale practice guitar string tuning running shoes knee stretch yoga breath sleep coffee decaf'.split(
    ' '
  )

export const suite: BenchSuite = {
  name: 'archive',
  async run() {
    const dataDir = mkdtempSync(join(tmpdir(), 'engram-bench-archive-'))
    const outDir = mkdtempSync(join(tmpdir(), 'engram-bench-archive-out-'))
    const core = createAppCore({ dataDir, role: 'bench', mode: 'browser', logger: quiet })
    try {
      await core.profiles.create({ name: 'archive-bench' })
      const { ctx } = await core.services()
      const db = ctx.db
      const rnd = mulberry32(20261122)
      const unit = (v: number[]): number[] => {
        const norm = Math.hypot(...v)
        return v.map((x) => x / norm)
      }
      // 256 topic directions, each row one of them plus its own noise: distinct vectors with
      // cluster structure, as text embeddings have. (Identical vectors would make the import's
      // HNSW build unrealistically cheap.)
      const topics = Array.from({ length: 256 }, () => unit(Array.from({ length: 384 }, () => rnd() * 2 - 1)))
      const vectorFor = (j: number): Buffer => toVectorParam(unit((topics[j % topics.length] as number[]).map((x) => x + (rnd() * 2 - 1) * 0.08)))
      const t0 = performance.now()
      await db.raw('drop index if exists memories_embedding_384')
      for (let i = 0; i < N; i += 1000) {
        const rows = []
        for (let j = i; j < Math.min(N, i + 1000); j++) {
          const words = Array.from({ length: 25 + Math.floor(rnd() * 25) }, () => WORDS[Math.floor(rnd() * WORDS.length)])
          const content = `Note ${j}: ${words.join(' ')}.`
          rows.push({
            content,
            content_hash: contentHash(content),
            topics: [WORDS[j % WORDS.length] as string],
            importance: (j % 10) / 10,
            embedding: db.raw('?::vector', [vectorFor(j)]),
            embedding_dim: 384,
            embedding_model: 'bench/random-unit',
            embedding_status: 'ready',
            created_at: new Date(Date.now() - (j % 365) * 86400_000)
          })
        }
        await db('memories').insert(rows)
        if (i % 20_000 === 0) process.stdout.write(`    filled ${i}/${N}\n`)
      }
      // No HNSW build after the fill: export reads rows, never indexes, and at 100k the build
      // alone takes ~20 minutes in WASM. The import below does build it, and that is measured.
      process.stdout.write(`    seeded ${N} in ${round((performance.now() - t0) / 1000, 0)} s\n`)

      const path = join(outDir, 'bench.engram')
      // Export: the database is not the only reader here; the number includes gzip and fsync.
      const e0 = performance.now()
      const exported = await core.router.dispatch('profiles:export', { path })
      if (!exported.ok) throw new Error(exported.error.message)
      const exportS = (performance.now() - e0) / 1000
      const bytes = (exported.value as { bytes: number }).bytes
      process.stdout.write(`    exported in ${round(exportS, 1)} s, ${round(bytes / 1e6, 1)} MB\n`)

      // The same call the channel makes, to see its phases too.
      const i0 = performance.now()
      const imported = await importArchive({ registry: core.registry, engine: {}, path, name: 'archive-bench copy' })
      const importS = (performance.now() - i0) / 1000
      const phases = Object.entries(imported.phases).map(([k, v]) => `${k} ${round(v / 1000, 1)} s`).join(', ')
      process.stdout.write(`    imported in ${round(importS, 1)} s (${phases})\n`)

      const at = N === 100_000 ? '' : ` (measured at ${N.toLocaleString('en')} memories, not 100k)`
      const note = (what: string): string => `${what}; ${N.toLocaleString('en')} memories with 384-dim vectors${at}, 2-core machine shared with other work`
      const m = (value: number, unit: string, what: string): Metric => ({ value, unit, note: note(what) })
      return {
        'export.100k_s': m(round(exportS, 1), 's', 'profiles:export to a plain .engram (snapshot read, gzip, fsync, rename)'),
        'export.size_mb': m(round(bytes / 1e6, 1), 'MB', 'archive size (vectors as base64 float32, gzip level 6)'),
        'import_archive.100k_s': m(round(importS, 1), 's', `import: unpack + sha256 checks, fresh PGlite, load, indexes built after, counts (${phases})`)
      }
    } finally {
      await core.close()
      rmSync(dataDir, { recursive: true, force: true })
      rmSync(outDir, { recursive: true, force: true })
    }
  }
}
