/**
 * kill -9 during an export, for real: a child process seeds a profile with memories and
 * vectors, starts exporting it, and is SIGKILLed while the tables are being written. The
 * folder must then hold no file that looks like a finished archive (only the
 * `.partial-<pid>-…` file being written), and that partial file must not import.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { MODEL_FIXTURE, tempDir, testCore } from '../helpers/core'
import { killWhen, ROOT as root, spawnScript } from '../helpers/kill-child'
import { AppError } from '../../src/shared/errors'

const ROWS = 1500
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('kill -9 during an export', () => {
  it('leaves no complete-looking archive, and the partial file does not import', async () => {
    const dataDir = tempDir()
    const folder = join(tempDir('engram-archive-crash-'), 'exports')
    mkdirSync(folder)
    dirs.push(dataDir, join(folder, '..'))
    const child = spawnScript(
      `import { createAppCore } from ${JSON.stringify(join(root, 'src/main/core/app-core.ts'))};
         import { exportProfile } from ${JSON.stringify(join(root, 'src/main/features/profile-archive/archive.export.ts'))};
         import { toVectorParam } from ${JSON.stringify(join(root, 'src/main/db/vector.ts'))};
         const core = createAppCore({ dataDir: ${JSON.stringify(dataDir)}, role: 'cli', mode: 'cli' });
         await core.profiles.create({ name: 'Crash' });
         const { ctx } = await core.services();
         const vectors = Array.from({ length: 16 }, (_, k) => toVectorParam(Array.from({ length: 384 }, (_, i) => Math.sin(i * (k + 1)))));
         await ctx.db.transaction(async (trx) => {
           for (let b = 0; b < ${ROWS}; b += 100) {
             const rows = [];
             for (let i = b; i < b + 100; i++) rows.push({ content: 'memory ' + i + ' ' + 'words '.repeat(40), content_hash: 'h' + i, embedding: trx.raw('?::vector', [vectors[i % 16]]), embedding_dim: 384, embedding_model: 'test', embedding_status: 'ready' });
             await trx('memories').insert(rows);
           }
         });
         console.log('SEEDED');
         await exportProfile({ db: ctx.db, engine: ctx.engine.kind, profile: ctx.profile, profileDir: ctx.profileDir, path: ${JSON.stringify(join(folder, 'backup.engram'))}, fetchRows: 10,
           onProgress: (p) => console.log('PROGRESS ' + p.phase + ' ' + p.done + ' ' + p.total) });
         console.log('DONE');
         setInterval(() => {}, 1000);`
    )
    // Killed while table parts are being written.
    const { out } = await killWhen(
      child,
      (out) => ([...out.matchAll(/PROGRESS tables (\d+) \d+\n/g)].some((m) => Number(m[1]) >= 100) ? true : undefined),
      240_000,
      'the export never got going'
    )
    expect(out).not.toContain('DONE')

    const left = readdirSync(folder)
    expect(left.filter((f) => f.endsWith('.engram'))).toEqual([])
    expect(left).toHaveLength(1)
    expect(left[0]).toMatch(new RegExp(`^backup\\.engram\\.partial-${child.pid}-[0-9a-f]+$`))

    // Even fed to import on purpose, the partial file is refused and creates nothing.
    const core = testCore({ modelDir: MODEL_FIXTURE })
    try {
      const err = await core.call('profiles:importArchive', { path: join(folder, left[0] as string) }).then(
        () => null,
        (e: unknown) => e
      )
      expect(err).toBeInstanceOf(AppError)
      expect((err as AppError).message).toMatch(/damaged or incomplete/)
      expect((await core.call('profiles:list', {})).profiles).toEqual([])
      expect(readdirSync(join(core.dataDir, 'profiles'))).toEqual([])
    } finally {
      await core.dispose()
    }
  }, 400_000)
})
