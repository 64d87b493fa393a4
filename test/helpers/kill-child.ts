/**
 * The crash tests' real kill -9: a child Node process runs a script (TypeScript, through
 * tsx, from the repository root), and is SIGKILLed at the moment its output says it is in
 * the middle of the work under test.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { join } from 'node:path'
import type { Readable } from 'node:stream'

export const ROOT = join(import.meta.dirname, '..', '..')

export type Child = ChildProcessByStdio<null, Readable, Readable>

/** Starts `script` (an ES module's source) in a child Node process, its stdout and stderr piped. */
export function spawnScript(script: string, env?: NodeJS.ProcessEnv): Child {
  return spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) })
}

/**
 * Reads the child's stdout until `when(out)` returns a value, then SIGKILLs it and waits
 * for it to exit. Rejects (with the child's output) when it exits first, or when
 * `timeoutMs` passes first (saying `stalled`).
 */
export async function killWhen<T>(child: Child, when: (out: string) => T | undefined, timeoutMs: number, stalled: string): Promise<{ value: T; out: string }> {
  let out = ''
  let err = ''
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  const value = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${stalled}:\n${out}\n${err}`)), timeoutMs)
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const v = when(out)
      if (v !== undefined) {
        clearTimeout(timer)
        child.kill('SIGKILL')
        resolve(v)
      }
    })
    child.on('exit', (code) => reject(new Error(`child exited early (${code}):\n${out}\n${err}`)))
  })
  await new Promise((r) => child.once('exit', r))
  return { value, out }
}
