/**
 * The pure rules of grounded answers (no database): cited numbers, the context budget
 * (whole sources and messages only), rewrite/title clean-up, "remember that …" parsing.
 */
import { describe, expect, it } from 'vitest'
import { countTokens } from 'gpt-tokenizer'
import { buildPrompt, citedNumbers, cleanRewrite, cleanTitle, fallbackTitle, recallAnswer, rememberCommand, toCitation, type HistoryMessage } from '../../src/main/features/chat/grounding'
import type { SearchHit } from '../../src/shared/types'

const count = (s: string): number => countTokens(s)

function memory(id: string, text: string): SearchHit {
  return { source: 'memory', id, text, snippet: text, score: 1, matchedBy: ['keyword'], createdAt: '2026-11-01T10:00:00.000Z', meta: { type: 'note', topics: [], importance: 0.5, tier: 'hot', pinned: false } } as SearchHit
}

describe('citedNumbers', () => {
  it('reads [1], [1, 3], [2-4] and [1][2], keeping only sources that exist', () => {
    expect(citedNumbers('A [1]. B [3, 1]. C [2-4]. D [9]. E [0].', 5)).toEqual([1, 2, 3, 4])
    expect(citedNumbers('x[2][5]', 4)).toEqual([2])
    expect(citedNumbers('no citations here (1) {2}', 4)).toEqual([])
  })
})

describe('buildPrompt', () => {
  const hits = Array.from({ length: 8 }, (_, i) => memory(`m${i}`, `Memory number ${i}: ${'detail '.repeat(40 + i * 10)}`.trim()))
  const history: HistoryMessage[] = Array.from({ length: 6 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `Turn ${i} ${'word '.repeat(60)}`.trim() }))

  it('stays within the budget with whole sources and the newest whole messages', () => {
    for (const budget of [300, 600, 1000, 2000, 4096]) {
      const p = buildPrompt({ question: 'What now?', hits, history, budget, countTokens: count, today: '2026-11-22' })
      const total = p.messages.reduce((n, m) => n + count(m.content) + 4, 0)
      if (budget >= 600) expect(total).toBeLessThanOrEqual(budget)
      expect(p.promptTokens).toBe(total)
      const hist = p.messages.slice(1, -1).map((m) => m.content)
      expect(hist).toEqual(history.slice(history.length - hist.length).map((h) => h.content))
      for (const s of p.sources) expect(p.messages[0]?.content).toContain(`[${s.n}] (memory, saved 2026-11-01)\n${s.hit.text}`)
      expect(p.sources.map((s) => s.n)).toEqual(p.sources.map((_, i) => i + 1))
      expect(p.messages.at(-1)).toEqual({ role: 'user', content: 'What now?' })
    }
    const small = buildPrompt({ question: 'What now?', hits, history, budget: 600, countTokens: count, today: '2026-11-22' })
    const big = buildPrompt({ question: 'What now?', hits, history, budget: 4096, countTokens: count, today: '2026-11-22' })
    expect(small.sources.length).toBeLessThan(big.sources.length)
    expect(small.historyUsed).toBeLessThan(big.historyUsed)
    expect(big.historyUsed).toBe(6)
  })

  it('says when no sources were found', () => {
    const p = buildPrompt({ question: 'Q', hits: [], history: [], budget: 4096, countTokens: count, today: '2026-11-22' })
    expect(p.messages[0]?.content).toMatch(/Sources: none were found/)
  })
})

describe('recall answers and citations', () => {
  it('numbers every hit and labels the answer', () => {
    const s = [memory('a', 'The boiler was serviced in October.')].map((hit, i) => ({ n: i + 1, hit, text: hit.text, label: 'x' }))
    expect(recallAnswer(s, 'no chat model is set up.')).toBe('**Recall mode** (no generated answer): no chat model is set up. Here is what Engram found for your question:\n\n[1] Memory: The boiler was serviced in October.')
    expect(recallAnswer([], 'why.')).toMatch(/Nothing in your memories, documents or chats matches/)
    const doc = { source: 'document', id: 'c1', text: 'Chunk text', snippet: 'Chunk «text»', score: 1, matchedBy: ['keyword'], createdAt: '2026-11-01T00:00:00Z', meta: { documentId: 'd1', documentName: 'Notes.pdf', page: 3, charStart: 10, charEnd: 20, chunkIndex: 0 } } as SearchHit
    expect(toCitation({ n: 2, hit: doc, text: doc.text, label: 'Notes.pdf, page 3' })).toEqual({ n: 2, source: 'document', id: 'c1', title: 'Notes.pdf, page 3', snippet: 'Chunk text', documentId: 'd1', start: 10, end: 20, page: 3 })
  })
})

describe('rewrites, titles, remember', () => {
  it('cleans a rewrite and a title, and falls back to the first words', () => {
    expect(cleanRewrite('Standalone query: "dentist appointment time"\nextra')).toBe('dentist appointment time')
    expect(cleanRewrite('   \n  ')).toBeNull()
    expect(cleanTitle('Title: "Spare key location."')).toBe('Spare key location')
    expect(fallbackTitle('When does my passport expire and what do I need to renew it?')).toBe('When does my passport expire and what…')
  })

  it('recognises "remember that" and "remember:" at the start only', () => {
    expect(rememberCommand('Remember that the gate code is 1234')).toEqual({ content: 'the gate code is 1234' })
    expect(rememberCommand('  REMEMBER: milk')).toEqual({ content: 'milk' })
    expect(rememberCommand('remember that')).toEqual({ content: '' })
    expect(rememberCommand('Do you remember that trip?')).toBeNull()
    expect(rememberCommand('Remembering things is hard')).toBeNull()
    expect(rememberCommand('remember when we met?')).toBeNull()
  })
})
