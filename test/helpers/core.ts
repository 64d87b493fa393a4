/** Test helpers: a real app core on a fresh temporary data directory. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAppCore, type AppCore, type AppCoreOptions } from '../../src/main/core/app-core'
import type { Channel, ChannelInput, ChannelOutput } from '../../src/shared/contract'
import { AppError } from '../../src/shared/errors'
import type { Logger } from '../../src/main/ipc/router'

export const quietLogger: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined }

export function tempDir(prefix = 'engram-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export interface TestCore extends AppCore {
  call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>
  dispose(): Promise<void>
}

export function testCore(opts: Partial<AppCoreOptions> = {}): TestCore {
  const dataDir = opts.dataDir ?? tempDir()
  const core = createAppCore({ role: 'test', mode: 'browser', logger: quietLogger, ...opts, dataDir })
  return Object.assign(core, {
    async call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
      const r = await core.router.dispatch(channel, input)
      if (!r.ok) throw AppError.from(r.error)
      return r.value as ChannelOutput<C>
    },
    async dispose() {
      await core.close()
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true })
    }
  })
}

/**
 * The embedding model fixture: the real all-MiniLM-L6-v2 architecture and tokenizer with
 * RANDOM WEIGHTS. Right for plumbing, dimensions and speed; useless for meaning.
 */
export const MODEL_FIXTURE = join(import.meta.dirname, '..', '..', '..', 'shared', 'models', 'fixtures', 'minilm-l6-random-weights')
