/**
 * The preload's API (`window.engram`), built over a fake IPC pipe: without Electron here,
 * this is what can be checked of the preload, plus the shape of its built bundle.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createEngramApi, type IpcPipe } from '../../src/preload/api'
import { IPC_EVENT, IPC_INVOKE } from '../../src/preload/ipc-names'
import { CHANNELS, EVENT_NAMES } from '../../src/shared/contract'

type Listener = (event: unknown, ...args: unknown[]) => void

function fakeIpc() {
  const calls: unknown[][] = []
  const listeners = new Map<string, Set<Listener>>()
  const ipc: IpcPipe = {
    invoke: async (...args) => {
      calls.push(args)
      return { ok: true, value: 'from main' }
    },
    on: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set()
      listeners.set(channel, set)
      set.add(listener)
    },
    removeListener: (channel, listener) => listeners.get(channel)?.delete(listener)
  }
  const emit = (event: string, payload: unknown): void => {
    for (const l of listeners.get(IPC_EVENT) ?? []) l({ sender: 'secret ipc event' }, event, payload)
  }
  const listenerCount = (): number => listeners.get(IPC_EVENT)?.size ?? 0
  return { ipc, calls, emit, listenerCount }
}

describe('invoke', () => {
  it('passes contract channels to main on the one invoke channel', async () => {
    const { ipc, calls } = fakeIpc()
    const api = createEngramApi(ipc)
    for (const channel of CHANNELS) {
      await expect(api.invoke(channel, { a: 1 })).resolves.toEqual({ ok: true, value: 'from main' })
    }
    expect(calls).toHaveLength(CHANNELS.length)
    expect(calls[0]).toEqual([IPC_INVOKE, CHANNELS[0], { a: 1 }])
  })

  it('answers a validation Result for anything else, without calling main', async () => {
    const { ipc, calls } = fakeIpc()
    const api = createEngramApi(ipc)
    for (const channel of ['nope:nothing', '', 'constructor', '__proto__', 'toString', 42, null, { toString: () => 'app:info' }]) {
      const result = (await api.invoke(channel as string, {})) as { ok: boolean; error: { code: string } }
      expect(result.ok).toBe(false)
      expect(result.error.code).toBe('validation')
    }
    expect(calls).toHaveLength(0)
  })
})

describe('on', () => {
  it('delivers only the named event, and only its payload', () => {
    const { ipc, emit } = fakeIpc()
    const api = createEngramApi(ipc)
    const got: unknown[][] = []
    api.on('profiles:changed', (...args) => got.push(args))
    emit('app:changed', { x: 1 })
    emit('profiles:changed', { profiles: [], activeId: null })
    emit('not:an-event', {})
    expect(got).toEqual([[{ profiles: [], activeId: null }]])
  })

  it('returns an unsubscribe, and detaches from IPC when nobody listens', () => {
    const { ipc, emit, listenerCount } = fakeIpc()
    const api = createEngramApi(ipc)
    const a: unknown[] = []
    const b: unknown[] = []
    const offA = api.on(EVENT_NAMES[0]!, (p) => a.push(p))
    const offB = api.on(EVENT_NAMES[0]!, (p) => b.push(p))
    expect(listenerCount()).toBe(1)
    emit(EVENT_NAMES[0]!, 1)
    offA()
    offA()
    emit(EVENT_NAMES[0]!, 2)
    expect(a).toEqual([1])
    expect(b).toEqual([1, 2])
    offB()
    expect(listenerCount()).toBe(0)
    api.on(EVENT_NAMES[0]!, () => undefined)
    expect(listenerCount()).toBe(1)
  })

  it('keeps delivering when one listener throws', () => {
    const { ipc, emit } = fakeIpc()
    const api = createEngramApi(ipc)
    const got: unknown[] = []
    const error = console.error
    console.error = () => undefined
    try {
      api.on('app:changed', () => {
        throw new Error('boom')
      })
      api.on('app:changed', (p) => got.push(p))
      emit('app:changed', 'x')
    } finally {
      console.error = error
    }
    expect(got).toEqual(['x'])
  })

  it('refuses unknown events and non-function listeners', () => {
    const { ipc } = fakeIpc()
    const api = createEngramApi(ipc)
    expect(() => api.on('nope:nothing', () => undefined)).toThrow(/Unknown event/)
    expect(() => api.on('app:changed', 'not a function' as unknown as () => void)).toThrow(/function/)
  })
})

describe('the API object', () => {
  it('exposes invoke and on, and nothing else', () => {
    expect(Object.keys(createEngramApi(fakeIpc().ipc)).sort()).toEqual(['invoke', 'on'])
  })
})

const bundle = join(resolve(__dirname, '../..'), 'out', 'preload', 'index.cjs')
describe.skipIf(!existsSync(bundle))('the built preload bundle', () => {
  it('requires nothing but electron (a sandboxed preload can load nothing else)', () => {
    const code = readFileSync(bundle, 'utf8')
    const required = [...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1])
    expect(new Set(required)).toEqual(new Set(['electron']))
    expect(code).not.toMatch(/\bimport\s*\(/)
  })
})
