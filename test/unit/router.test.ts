import { describe, expect, it } from 'vitest'
import { createRouter, type Handlers } from '../../src/main/ipc/router'
import { AppError } from '../../src/shared/errors'

const errors: unknown[] = []
const logger = { error: (_m: string, e?: unknown) => errors.push(e), warn: () => undefined, info: () => undefined }

function router(overrides: Partial<Handlers>) {
  const notCalled = new Proxy({}, { get: () => () => { throw new Error('handler must not run') } }) as Handlers
  return createRouter({ ...notCalled, ...overrides } as Handlers, logger)
}

describe('router', () => {
  it('validates before the handler runs and reports each issue', async () => {
    let ran = false
    const r = await router({ 'settings:get': () => { ran = true; return null } }).dispatch('settings:get', { key: 'Not A Key!' })
    expect(ran).toBe(false)
    expect(r).toMatchObject({ ok: false, error: { code: 'validation' } })
    if (!r.ok) expect(r.error.details).toEqual([{ path: ['key'], message: 'Setting keys look like "chat.model".' }])
  })

  it('passes expected errors through with their code, and hides bugs behind internal', async () => {
    const r1 = await router({ 'profiles:list': () => { throw new AppError('locked', 'Profile "A" is locked.') } }).dispatch('profiles:list', {})
    expect(r1).toEqual({ ok: false, error: { code: 'locked', message: 'Profile "A" is locked.' } })
    const r2 = await router({ 'profiles:list': () => { throw new TypeError('x is undefined at /secret/path.ts:12') } }).dispatch('profiles:list', {})
    expect(r2.ok).toBe(false)
    if (!r2.ok) {
      expect(r2.error.code).toBe('internal')
      expect(r2.error.message).not.toMatch(/secret|undefined/)
    }
    expect(errors.length).toBe(1)
  })

  it('returns the parsed value with defaults applied', async () => {
    let seen: unknown
    await router({ 'settings:history': (i) => { seen = i; return [] } }).dispatch('settings:history', {})
    expect(seen).toEqual({ limit: 50 })
  })
})
