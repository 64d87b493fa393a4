/**
 * How extraction reads a model's answer, on the kinds of replies small local models give
 * (pure functions: no database or server needed, kept beside the extraction tests).
 */
import { describe, expect, it } from 'vitest'
import { extractionMessages, parseProposals, repairMessages, stripToJson } from '../../src/main/features/extraction/extraction.parse'

const one = { action: 'add', content: 'Likes rye bread', type: 'preference', topics: ['food'], importance: 0.6, target_memory_id: null, reason: 'said so' }

describe('reading the answer', () => {
  it('strips code fences, <think> blocks and prose around the JSON', () => {
    const reply = `<think>The user said {maybe} something.</think>\nHere it is:\n\`\`\`json\n${JSON.stringify({ memories: [one] })}\n\`\`\`\nAnything else?`
    expect(JSON.parse(stripToJson(reply))).toEqual({ memories: [one] })
    expect(stripToJson(`Sure! ${JSON.stringify([one])} Hope that helps.`)).toBe(JSON.stringify([one]))
  })

  it('takes the object asked for, a bare array, another list key, or a single proposal', () => {
    for (const v of [{ memories: [one] }, [one], { proposals: [one] }, one]) {
      const r = parseProposals(JSON.stringify(v))
      expect(r).toEqual({ ok: true, items: [{ action: 'add', content: 'Likes rye bread', type: 'preference', topics: ['food'], importance: 0.6, targetMemoryId: null, reason: 'said so' }] })
    }
    expect(parseProposals('{"memories": []}')).toEqual({ ok: true, items: [] })
  })

  it('coerces cosmetic fields instead of failing: importance words and scales, topic strings, odd types', () => {
    const r = parseProposals(
      JSON.stringify({
        memories: [
          { action: 'ADD', content: '  Runs   on Sundays ', importance: 'high', topics: 'Sport, Running ,', type: 'Personal Habit' },
          { action: 'add', content: 'b', importance: 8, topics: [1, 'x'], type: '123' },
          { action: 'add', content: 'c', importance: 75 },
          { action: 'none' }
        ]
      })
    )
    if (!r.ok) throw new Error(r.error)
    expect(r.items.map((i) => [i.action, i.content, i.importance, i.topics, i.type])).toEqual([
      ['add', 'Runs on Sundays', 0.8, ['sport', 'running'], 'personal_habit'],
      ['add', 'b', 0.8, ['x'], 'note'],
      ['add', 'c', 0.75, [], 'note'],
      ['none', '', 0.5, [], 'note']
    ])
  })

  it('names what is wrong, for the repair prompt', () => {
    expect(parseProposals('{"memories": [{"action": "add", "content": "x"')).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) })
    expect(parseProposals('I have nothing to add.')).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) })
    expect(parseProposals(JSON.stringify({ memories: [{ content: 'x' }] }))).toMatchObject({ ok: false, error: expect.stringMatching(/memories\.0\.action/) })
    expect(parseProposals(JSON.stringify({ memories: [{ action: 'add', content: '  ' }] }))).toMatchObject({ ok: false, error: expect.stringMatching(/non-empty "content"/) })
    expect(parseProposals(JSON.stringify({ memories: [{ action: 'update', content: 'x' }] }))).toMatchObject({ ok: false, error: expect.stringMatching(/target_memory_id/) })
    expect(parseProposals(JSON.stringify({ memories: Array.from({ length: 51 }, () => one) }))).toMatchObject({ ok: false, error: expect.stringMatching(/at most 50/) })
    expect(parseProposals(JSON.stringify({ answer: 'none' }))).toMatchObject({ ok: false, error: expect.stringMatching(/does not match the format/) })
  })

  it('keeps a real target id and drops a made-up one', () => {
    const id = '0b7c2a6e-4a8e-4f3e-9d55-1f2a3b4c5d6e'
    const r = parseProposals(JSON.stringify([{ action: 'update', content: 'x', target_memory_id: id.toUpperCase() }, { action: 'update', content: 'y', target_memory_id: 'memory 3' }]))
    if (!r.ok) throw new Error(r.error)
    expect(r.items.map((i) => i.targetMemoryId)).toEqual([id, null])
  })
})

describe('the prompt', () => {
  it('lists existing memories with their ids, then the conversation; the repair shows the bad reply and the error', () => {
    const msgs = extractionMessages('User: hi', [{ id: 'abc', content: 'Likes tea' }])
    expect(msgs[0]!.role).toBe('system')
    expect(msgs[0]!.content).toMatch(/"memories"/)
    expect(msgs[1]!.content).toMatch(/- id abc: Likes tea[\s\S]*Conversation:\nUser: hi/)
    expect(extractionMessages('User: hi', [])[1]!.content).toContain('(none)')
    const repair = repairMessages(msgs, 'oops', 'the reply is not valid JSON')
    expect(repair.slice(-2)).toEqual([
      { role: 'assistant', content: 'oops' },
      { role: 'user', content: expect.stringContaining('could not be used: the reply is not valid JSON') }
    ])
  })
})
