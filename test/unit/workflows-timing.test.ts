/** The workflow runner's pure parts: retry backoff, schedule due times, definitions, error text. */
import { describe, expect, it } from 'vitest'
import { backoffDelay, lastDueAt, nextDueAt, validateSpec } from '../../src/main/features/workflows/timing'
import { defineWorkflow, plainError } from '../../src/main/features/workflows/runner'
import { AppError } from '../../src/shared/errors'

/** A local wall-clock time (schedules are in the machine's time zone). */
const local = (day: number, h: number, m = 0): Date => new Date(2026, 0, day, h, m, 0, 0)

describe('backoffDelay', () => {
  const opts = { baseMs: 1000, capMs: 10_000 }
  it('doubles per attempt, with equal jitter between half and all of it', () => {
    expect(backoffDelay(1, opts, () => 0)).toBe(500)
    expect(backoffDelay(1, opts, () => 1)).toBe(1000)
    expect(backoffDelay(2, opts, () => 1)).toBe(2000)
    expect(backoffDelay(3, opts, () => 1)).toBe(4000)
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(3, opts)
      expect(d).toBeGreaterThanOrEqual(2000)
      expect(d).toBeLessThanOrEqual(4000)
    }
  })
  it('never waits longer than the cap', () => {
    expect(backoffDelay(30, opts, () => 1)).toBe(10_000)
    expect(backoffDelay(1000, opts, () => 1)).toBe(10_000)
  })
})

describe('schedules', () => {
  it('refuses specs that could never fire, in plain words', () => {
    expect(() => validateSpec({ dailyAt: '25:00' })).toThrow(/HH:MM/)
    expect(() => validateSpec({ dailyAt: '3:00' })).toThrow(/HH:MM/)
    expect(() => validateSpec({ everyMinutes: 0 })).toThrow(/every 1 to/)
    expect(() => validateSpec({ everyMinutes: 1.5 })).toThrow(/whole minutes/)
    expect(() => validateSpec({} as never)).toThrow(/dailyAt/)
    expect(validateSpec({ dailyAt: '03:30' })).toEqual({ dailyAt: '03:30' })
  })

  it('daily: the newest due time since the schedule was set, and only one after days asleep', () => {
    const spec = { dailyAt: '03:00' }
    const anchor = local(10, 10) // set on the 10th at 10:00
    expect(lastDueAt(spec, anchor, local(10, 23))).toBeNull() // 03:00 on the 10th was before it existed
    expect(lastDueAt(spec, anchor, local(11, 2, 59))).toBeNull()
    expect(lastDueAt(spec, anchor, local(11, 3))).toEqual(local(11, 3))
    expect(lastDueAt(spec, anchor, local(14, 9))).toEqual(local(14, 3)) // asleep 11th..14th: one due time
    expect(lastDueAt(spec, anchor, local(14, 2))).toEqual(local(13, 3))
    expect(nextDueAt(spec, anchor, local(14, 2))).toEqual(local(14, 3))
    expect(nextDueAt(spec, anchor, local(14, 3))).toEqual(local(15, 3))
  })

  it('every n minutes: counted from when the schedule was set', () => {
    const spec = { everyMinutes: 30 }
    const anchor = local(10, 10, 7)
    expect(lastDueAt(spec, anchor, local(10, 10, 36))).toBeNull()
    expect(lastDueAt(spec, anchor, local(10, 10, 37))).toEqual(local(10, 10, 37))
    expect(lastDueAt(spec, anchor, local(12, 8, 0))).toEqual(local(12, 7, 37))
    expect(nextDueAt(spec, anchor, local(10, 10, 8))).toEqual(local(10, 10, 37))
    expect(nextDueAt(spec, anchor, local(10, 10, 37))).toEqual(local(10, 11, 7))
  })
})

describe('defineWorkflow', () => {
  const step = { name: 'a', run: () => 1 }
  it('checks names and steps once, where the workflow is declared', () => {
    expect(() => defineWorkflow({ name: 'Bad Name', steps: [step] })).toThrow(/lowercase/)
    expect(() => defineWorkflow({ name: 'empty', steps: [] })).toThrow(/no steps/)
    expect(() => defineWorkflow({ name: 'dupe', steps: [step, step] })).toThrow(/unique/)
    expect(() => defineWorkflow({ name: 'zero', steps: [{ ...step, maxAttempts: 0 }] })).toThrow(/maxAttempts/)
    const wf = defineWorkflow({ name: 'documents.import', heavy: true, steps: [step] })
    expect(Object.isFrozen(wf.steps)).toBe(true)
  })
})

describe('plainError', () => {
  it('keeps the message, one line, without a stack', () => {
    expect(plainError(new Error('the disk is full\n    at foo (bar.js:1:1)'))).toBe('the disk is full')
    expect(plainError(new AppError('unsupported_file', 'That PDF is encrypted.'))).toBe('That PDF is encrypted.')
    expect(plainError('plain text')).toBe('plain text')
    expect(plainError(undefined)).toBe('It failed without saying why.')
    expect(plainError({ code: 'E1' })).toBe('{"code":"E1"}')
  })
})
