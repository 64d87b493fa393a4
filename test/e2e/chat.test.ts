/**
 * The Chat screen in Chromium over the loopback bridge: one real core (real PGlite) for
 * the file, and a loopback OpenAI-compatible server (test/helpers/llm-server.ts) as the
 * chat model, the only fake besides Electron:
 * - recall mode with no model: the label, a citation chip and the Sources list, and the
 *   link to Settings → Chat model;
 * - Settings → Chat model: endpoint, model picker, API key (never shown back), Test
 *   connection, and the usage chart once calls were made;
 * - a grounded answer streams in (phases, then text) with a citation chip that opens the
 *   memory's detail; thumbs up with a comment is stored;
 * - a slow answer shows the seconds it is waiting, Esc stops it (kept, incomplete), Retry
 *   asks again; Up in the empty box edits the last message and resends it;
 * - sessions: search, rename in place, archive, delete after a confirmation.
 * Screenshots: test-results/screenshots/chat-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import type { ChatMessage } from '../../src/shared/chat'
import { startE2E, type E2E } from '../helpers/e2e'
import { reply, startLlmServer, type LlmReply, type LlmServer, type RecordedRequest } from '../helpers/llm-server'

const KEY = 'sk-e2e-do-not-show-7f3a'
const MEMORY = 'The spare house key is hidden under the blue flowerpot by the back door.'

let e: E2E
let llm: LlmServer

/** What the chat asked the model for, from its system prompt. */
function kindOf(req: RecordedRequest): 'rewrite' | 'title' | 'answer' | 'extract' | 'other' {
  const sys = req.body?.messages?.[0]?.content ?? ''
  if (sys.startsWith("You keep a person's long-term memory")) return 'extract'
  if (sys.startsWith('Rewrite the follow-up')) return 'rewrite'
  if (sys.startsWith('Give this conversation a short title')) return 'title'
  if (sys.startsWith('You are Engram')) return 'answer'
  return 'other'
}

/** Answers and extraction replies queued by the tests, in order; titles and rewrites get quick defaults. */
const answers: LlmReply[] = []
const extractions: LlmReply[] = []

beforeAll(async () => {
  llm = await startLlmServer({ models: ['test-model', 'test-model-large'] })
  llm.setDefault((req) => {
    const k = kindOf(req)
    if (k === 'title') return reply.text('Spare key')
    if (k === 'rewrite') return reply.text(req.body?.messages?.at(-1)?.content.split('Follow-up question: ')[1]?.split('\n')[0] ?? 'spare key')
    if (k === 'answer') return answers.shift() ?? reply.text('Your notes say so [1].')
    if (k === 'extract') return extractions.shift() ?? reply.json({ memories: [] })
    return reply.text('OK')
  })
  e = await startE2E({ core: { llm: { ollamaUrl: null, retryBaseMs: 20, maxRetries: 1 } } })
  // Through the welcome screen; a fresh data directory builds its template database first,
  // which can take long on a busy machine.
  const { page } = e
  await page.getByLabel('Profile name').fill('Personal')
  await page.getByRole('button', { name: 'Create profile' }).click()
  await page.getByRole('navigation', { name: 'Sections' }).waitFor({ timeout: 240_000 })
})

afterAll(async () => {
  await e?.close()
  await llm?.close()
})

/** Polls patiently: other work shares this machine, so nothing here is a timing assertion. */
const poll = <T>(fn: () => T | Promise<T>): ReturnType<typeof expect.poll<T>> => expect.poll(fn, { timeout: 60_000, interval: 100 })

const composer = (page: Page): Locator => page.getByRole('textbox', { name: 'Message' })
const answersOnScreen = (page: Page): Locator => page.getByRole('log', { name: 'Conversation' }).getByRole('article', { name: 'Answer' })
const lastAnswer = (page: Page): Locator => answersOnScreen(page).last()

async function openChat(page: Page): Promise<void> {
  await page.keyboard.press('Control+1')
  await page.getByRole('heading', { name: 'Chat', level: 1 }).waitFor()
}

async function messagesOf(sessionId: string): Promise<ChatMessage[]> {
  return (await e.core.call('sessions:get', { id: sessionId })).messages
}

const sessionIdFromUrl = (page: Page): string => {
  const m = /#\/chat\/([0-9a-f-]{36})/.exec(page.url())
  if (!m) throw new Error(`No session in ${page.url()}`)
  return m[1] as string
}

describe('recall mode (no chat model)', () => {
  test('a memory captured on the Memories screen comes back labelled, with a citation and its source', async () => {
    const { page } = e
    await page.keyboard.press('Control+2')
    const box = page.getByRole('textbox', { name: 'New memory' })
    await box.fill(MEMORY)
    await box.press('Control+Enter')
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor()

    await openChat(page)
    await page.getByRole('heading', { name: 'No conversations yet', level: 2 }).waitFor()
    await page.getByTestId('chat-model').filter({ hasText: 'Recall mode' }).waitFor()
    await composer(page).fill('Where is the spare house key hidden?')
    await composer(page).press('Enter')

    const answer = lastAnswer(page)
    await expect.poll(() => answer.getAttribute('data-status'), { timeout: 60_000 }).toBe('complete')
    expect(await answer.getAttribute('data-mode')).toBe('recall')
    const label = answer.getByTestId('recall-notice')
    expect(await label.innerText()).toContain('Recall mode — no chat model configured: these are the most relevant things you saved')
    // The core's own "**Recall mode**" line is replaced by the label, not shown twice.
    expect(await answer.innerText()).not.toContain('(no generated answer)')
    const chip = answer.getByRole('button', { name: /^Source 1: / })
    await chip.waitFor()
    expect(await chip.innerText()).toBe('1')
    const sources = answer.getByRole('region', { name: 'Sources' })
    expect(await sources.innerText()).toContain('The spare house key is hidden')
    // The composer emptied, the URL names the new session, and the list shows it.
    expect(await composer(page).inputValue()).toBe('')
    const sessionId = sessionIdFromUrl(page)
    await page.getByRole('navigation', { name: 'Chats' }).getByRole('button', { name: /^Where is the spare house key hidden\?/ }).waitFor()
    const stored = await messagesOf(sessionId)
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant'])
    expect(stored[1]?.citations[0]).toMatchObject({ n: 1, source: 'memory' })
    // No request reached the model.
    expect(llm.chatRequests()).toHaveLength(0)
    await e.screenshot('chat-recall')

    await label.getByRole('button', { name: 'Settings → Chat model' }).click()
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()
    await page.getByRole('heading', { name: 'Chat model', level: 2 }).waitFor()
    expect(page.url()).toContain('#/settings/chat-model')
    expect(e.pageErrors).toEqual([])
  })
})

describe('Settings → Chat model', () => {
  test('endpoint, model from the list, an API key that is never shown back, and a connection test', async () => {
    const { page } = e
    llm.requireApiKey(KEY)
    if (!page.url().includes('#/settings')) await page.keyboard.press('Control+6')
    const card = page.getByRole('region', { name: 'Chat model' })
    await card.getByTestId('llm-status').filter({ hasText: 'recall mode' }).waitFor()

    // A wrong URL is refused next to the field, in words.
    await card.getByLabel('Endpoint (base URL)').fill('my computer')
    await card.getByRole('button', { name: 'Save' }).click()
    await card.getByText('Give the endpoint as a URL, for example http://localhost:11434/v1.').waitFor()

    await card.getByLabel('Endpoint (base URL)').fill(llm.baseUrl)
    await card.getByLabel('API key').fill(KEY)
    // The model picker lists the endpoint's models (asked with the key being typed).
    await card.getByRole('button', { name: 'Refresh models' }).click()
    const model = card.getByLabel('Model', { exact: true })
    await model.click()
    await page.getByRole('option', { name: 'test-model-large' }).waitFor()
    await page.getByRole('option', { name: 'test-model', exact: true }).click()
    expect(await model.inputValue()).toBe('test-model')
    await card.getByRole('button', { name: 'Save' }).click()
    await card.getByTestId('llm-status').filter({ hasText: `test-model at ${llm.baseUrl}` }).waitFor()

    // The key: stored encrypted, the field empty, the key nowhere on the page.
    const keyBadge = card.getByTestId('llm-key-status')
    expect(await keyBadge.innerText()).toMatch(/^Stored encrypted \((safeStorage|local-key)\)$/)
    expect(await card.getByLabel('API key').inputValue()).toBe('')
    expect(await page.content()).not.toContain(KEY)
    const status = await e.core.call('llm:status', {})
    expect(status).toMatchObject({ configured: true, baseUrl: llm.baseUrl, model: 'test-model', hasApiKey: true })
    expect(JSON.stringify(status)).not.toContain(KEY)

    await card.getByRole('button', { name: 'Test connection' }).click()
    const result = card.getByTestId('llm-test-result')
    await result.waitFor()
    expect(await result.innerText()).toMatch(/^Connected/)
    // The test really went out with the key.
    expect(llm.requests.some((r) => r.apiKey === KEY)).toBe(true)
    await e.screenshot('chat-settings-model')
    expect(e.pageErrors).toEqual([])
  })
})

describe('grounded answers', () => {
  test('the answer streams in with its phases and a citation chip that opens the memory; thumbs up with a comment', async () => {
    const { page } = e
    // Slow enough to watch: 3 s before the first token, then a word every 250 ms.
    answers.push(reply.text('It is under the blue flowerpot by the back door [1]. Check there first.', { firstTokenDelayMs: 3000, chunkDelayMs: 250 }))
    await openChat(page)
    await page.keyboard.press('Control+n')
    await poll(() => page.url()).toContain('#/chat/new')
    await poll(() => composer(page).evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true)
    await page.getByTestId('chat-model').filter({ hasText: 'test-model' }).waitFor()
    await composer(page).fill('Where did I hide the spare house key?')
    await composer(page).press('Enter')

    const answer = lastAnswer(page)
    // Before the first token: where it is, with a Stop button.
    const phase = answer.getByTestId('answer-phase')
    await poll(() => phase.getAttribute('data-phase')).toBe('waiting')
    expect(await phase.innerText()).toContain('Waiting for the model…')
    await page.getByRole('button', { name: 'Stop answer' }).waitFor()
    await e.screenshot('chat-waiting')
    // Then text arrives while the answer is still streaming.
    await poll(async () => (await answer.getAttribute('data-status')) === 'streaming' && (await answer.innerText()).includes('It is under')).toBe(true)
    await e.screenshot('chat-streaming')
    await expect.poll(() => answer.getAttribute('data-status'), { timeout: 60_000 }).toBe('complete')
    expect(await answer.getAttribute('data-mode')).toBe('llm')
    expect(await answer.innerText()).toContain('It is under the blue flowerpot by the back door')
    // [1] became a chip inside the sentence, and the footer names the model and the tokens.
    const chip = answer.getByRole('button', { name: /^Source 1: The spare house key/ })
    await chip.waitFor()
    expect(await answer.innerText()).not.toContain('[1]')
    const facts = await answer.getByTestId('answer-facts').innerText()
    expect(facts).toMatch(/^test-model · \d[\d,]* → \d[\d,]* tokens · /)
    await e.screenshot('chat-answer')
    const sessionId = sessionIdFromUrl(page)
    const [, stored] = await messagesOf(sessionId)
    expect(stored).toMatchObject({ status: 'complete', mode: 'llm', model: 'test-model', content: 'It is under the blue flowerpot by the back door [1]. Check there first.' })

    // The chip opens the memory in the Memories screen's detail.
    await chip.click()
    await page.getByRole('heading', { name: 'Memories', level: 1 }).waitFor()
    const detail = page.getByRole('complementary', { name: 'Memory details' })
    await detail.getByText(MEMORY).first().waitFor()
    await e.screenshot('chat-citation-memory')

    // Back to Chat: the same conversation, where the answer takes a thumbs up and a comment.
    await openChat(page)
    await poll(() => page.url()).toContain(sessionId)
    const good = lastAnswer(page).getByRole('button', { name: 'Good answer' })
    await good.click()
    await poll(() => good.getAttribute('aria-pressed')).toBe('true')
    const comment = page.getByRole('textbox', { name: 'Comment (optional)' })
    await comment.fill('Exactly where it was')
    await page.getByRole('button', { name: 'Send comment' }).click()
    await comment.waitFor({ state: 'hidden' })
    await poll(async () => (await messagesOf(sessionId))[1]).toMatchObject({ feedback: 1, feedbackComment: 'Exactly where it was' })
    expect(e.pageErrors).toEqual([])
  })

  test('a slow answer shows its waiting seconds; Esc stops it (kept, incomplete) and Retry asks again', async () => {
    const { page } = e
    answers.push(reply.slow('This answer takes far too long [1].', 60_000))
    const before = llm.chatRequests().filter((r) => kindOf(r) === 'answer').length
    await composer(page).fill('And where is the garage remote?')
    await composer(page).press('Enter')
    const answer = lastAnswer(page)
    const phase = answer.getByTestId('answer-phase')
    await poll(() => phase.getAttribute('data-phase')).toBe('waiting')
    // The seconds count up while nothing arrives.
    await expect.poll(() => phase.innerText(), { timeout: 15_000 }).toMatch(/Waiting for the model… [2-9] s/)
    await e.screenshot('chat-slow')
    // Another question while this one is coming: not sent, kept, and the box says why.
    await composer(page).fill('One more thing')
    await composer(page).press('Enter')
    await page.getByText('An answer is still coming: wait for it, or stop it with Esc. Your text stays here.').waitFor()
    expect(await composer(page).inputValue()).toBe('One more thing')
    await composer(page).fill('')

    await composer(page).press('Escape')
    await expect.poll(() => answer.getAttribute('data-status'), { timeout: 20_000 }).toBe('incomplete')
    const alert = answer.getByRole('alert')
    expect(await alert.innerText()).toContain('The answer is incomplete')
    const sessionId = sessionIdFromUrl(page)
    const stopped = (await messagesOf(sessionId)).at(-1)
    expect(stopped).toMatchObject({ role: 'assistant', status: 'incomplete' })
    expect(llm.chatRequests().filter((r) => kindOf(r) === 'answer').length).toBe(before + 1)

    answers.push(reply.text('The garage remote is not in your notes.'))
    await alert.getByRole('button', { name: 'Retry' }).click()
    await expect.poll(async () => (await lastAnswer(page).innerText()).includes('The garage remote is not in your notes.'), { timeout: 60_000 }).toBe(true)
    await poll(() => lastAnswer(page).getAttribute('data-status')).toBe('complete')
    // The stopped answer was replaced in the thread (kept in history, superseded).
    expect(await answersOnScreen(page).count()).toBe(2)
    const all = (await e.core.call('sessions:get', { id: sessionId, includeSuperseded: true })).messages
    expect(all.filter((m) => m.role === 'assistant' && m.superseded).map((m) => m.status)).toEqual(['incomplete'])
    expect(e.pageErrors).toEqual([])
  })

  test('Up in the empty box edits the last message; the edit is answered anew', async () => {
    const { page } = e
    answers.push(reply.text('The bike lock code is not in your notes either.'))
    await composer(page).focus()
    await page.keyboard.press('ArrowUp')
    const edit = page.getByRole('textbox', { name: 'Edit your message' })
    await edit.waitFor()
    expect(await edit.inputValue()).toBe('And where is the garage remote?')
    await edit.fill('And what is the bike lock code?')
    await edit.press('Enter')
    await expect.poll(async () => (await lastAnswer(page).innerText()).includes('The bike lock code is not in your notes either.'), { timeout: 60_000 }).toBe(true)
    const log = page.getByRole('log', { name: 'Conversation' })
    expect(await log.getByRole('article', { name: 'Your message' }).last().innerText()).toBe('And what is the bike lock code?')
    expect(await log.getByText('And where is the garage remote?').count()).toBe(0)
    expect(e.pageErrors).toEqual([])
  })

  test('Markdown: a code block with a copy button; HTML in an answer is never run', async () => {
    const { page } = e
    await e.context.grantPermissions(['clipboard-read', 'clipboard-write'])
    answers.push(
      reply.text('Run this on the Pi [1]:\n\n```sh\nssh pi@10.0.0.2 -p 2222\n```\n\n<img src="x" onerror="window.__pwned = 1"> **Done**.', {
        chunks: ['Run this on the Pi [1]:\n\n', '```sh\nssh pi@10.0.0.2', ' -p 2222\n```\n\n', '<img src="x" onerror="window.__pwned = 1"> **Done**.']
      })
    )
    await composer(page).fill('How do I log in to the Pi?')
    await composer(page).press('Enter')
    const answer = lastAnswer(page)
    await poll(async () => (await answer.getAttribute('data-status')) === 'complete' && (await answer.innerText()).includes('Done')).toBe(true)
    const code = answer.locator('.engram-code pre code')
    expect((await code.innerText()).trim()).toBe('ssh pi@10.0.0.2 -p 2222')
    expect(await answer.locator('.engram-code').innerText()).toContain('sh')
    expect(await answer.locator('strong', { hasText: 'Done' }).count()).toBe(1)
    // The raw <img> is not an element, and its handler never ran.
    expect(await answer.locator('img').count()).toBe(0)
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined')
    await answer.getByRole('button', { name: 'Copy code' }).click()
    await poll(() => page.evaluate('navigator.clipboard.readText()')).toBe('ssh pi@10.0.0.2 -p 2222')
    await e.screenshot('chat-code')
    expect(e.pageErrors).toEqual([])
  })

  test('Chat settings: a model for this chat only is used for its next answer', async () => {
    const { page } = e
    await page.getByRole('button', { name: 'Chat settings' }).click()
    const popover = page.getByRole('dialog', { name: 'Chat settings' })
    await popover.waitFor()
    const model = popover.getByRole('combobox', { name: 'Model for this chat' })
    await model.fill('test-model-large')
    await model.press('Tab')
    await popover.getByRole('button', { name: 'Save' }).click()
    await popover.waitFor({ state: 'hidden' })
    const sessionId = sessionIdFromUrl(page)
    await poll(async () => (await e.core.call('sessions:get', { id: sessionId })).session.settings.model).toBe('test-model-large')
    // The chat's header says it has its own model.
    await page.locator('.engram-conversation-head').getByText('test-model-large', { exact: true }).waitFor()

    const since = llm.chatRequests().length
    answers.push(reply.text('Answered by the large model.'))
    await composer(page).fill('Which model answers now?')
    await composer(page).press('Enter')
    await poll(async () => (await lastAnswer(page).getAttribute('data-status')) === 'complete' && (await lastAnswer(page).innerText()).includes('Answered by the large model.')).toBe(true)
    const asked = llm.chatRequests().slice(since).filter((r) => kindOf(r) === 'answer')
    expect(asked.map((r) => r.body?.model)).toEqual(['test-model-large'])
    expect(await lastAnswer(page).getByTestId('answer-facts').innerText()).toMatch(/^test-model-large · /)
    expect(e.pageErrors).toEqual([])
  })

  test('Extract memories proposes a new memory and an update; confirm one after editing it, reject the other', async () => {
    const { page } = e
    const key = (await e.core.call('memories:list', { limit: 10 })).items.find((m) => m.content === MEMORY)
    expect(key).toBeDefined()
    extractions.push(
      reply.json({
        memories: [
          { action: 'add', content: 'The garage remote is in the glove box.', type: 'note', topics: ['home'], importance: 0.6, reason: 'Said in the chat.' },
          { action: 'update', content: 'The spare house key is under the red flowerpot now.', target_memory_id: key?.id, type: 'note', topics: ['home'], importance: 0.7 }
        ]
      })
    )
    await page.getByRole('button', { name: 'Extract memories' }).click()
    // The note says how many wait, and its Review button opens the inbox.
    const note = page.getByRole('status').filter({ hasText: '2 memories to review' })
    await note.waitFor({ timeout: 60_000 })
    await poll(() => page.getByRole('button', { name: 'Memory proposals (2 to review)' }).isVisible()).toBe(true)
    await note.getByRole('button', { name: 'Review' }).click()
    const drawer = page.getByRole('dialog', { name: 'Memory proposals' })
    await drawer.waitFor()
    const items = drawer.getByRole('list', { name: 'Proposals to review' }).getByRole('listitem')
    await poll(() => items.count()).toBe(2)
    // The update shows the text it would replace.
    const update = items.filter({ hasText: 'red flowerpot' })
    expect(await update.getByTestId('proposal-old').innerText()).toBe(MEMORY)
    await e.screenshot('chat-proposals')

    const add = items.filter({ hasText: 'glove box' })
    await add.getByRole('button', { name: 'Edit proposal' }).click()
    await add.getByRole('textbox', { name: 'Memory text' }).fill('The garage remote is in the glove box of the blue car.')
    await add.getByRole('button', { name: 'Confirm' }).click()
    await update.getByRole('button', { name: 'Reject' }).click()
    await poll(() => items.count()).toBe(0)
    await drawer.getByText('Nothing to review.', { exact: false }).waitFor()
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })
    await page.getByRole('button', { name: 'Memory proposals (0 to review)' }).waitFor()

    // The edited text became a memory; the key memory was not superseded.
    const memories = (await e.core.call('memories:list', { limit: 50 })).items.map((m) => m.content)
    expect(memories).toContain('The garage remote is in the glove box of the blue car.')
    expect(memories).toContain(MEMORY)
    expect(memories.some((m) => m.includes('red flowerpot'))).toBe(false)
    expect(await e.core.call('proposals:list', { status: 'rejected' })).toEqual([expect.objectContaining({ action: 'update', targetMemoryId: key?.id })])
    expect(e.pageErrors).toEqual([])
  })
})

describe('sessions', () => {
  test('search, rename in place, archive and delete after a confirmation', async () => {
    const { page } = e
    const nav = page.getByRole('navigation', { name: 'Chats' })
    const rows = nav.getByRole('list', { name: 'Recent chats' }).getByRole('listitem')
    await poll(() => rows.count()).toBe(2)

    // Ctrl+K focuses the search; the list narrows to chats about the garage remote.
    await page.keyboard.press('Control+k')
    const search = nav.getByRole('searchbox', { name: 'Search chats' })
    await poll(() => search.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true)
    await search.fill('zzzz-nothing-like-this')
    await nav.getByText('No chats match “zzzz-nothing-like-this”.').waitFor()
    await search.fill('')
    await poll(() => rows.count()).toBe(2)

    // Rename the first chat in place (double-click), Enter saves.
    const first = rows.filter({ hasText: 'Where is the spare house key hidden?' })
    await first.getByRole('button', { name: /^Where is the spare house key hidden\?/ }).dblclick()
    const title = nav.getByRole('textbox', { name: 'Chat title' })
    await title.fill('House key (recall)')
    await title.press('Enter')
    await rows.filter({ hasText: 'House key (recall)' }).waitFor()
    const listed = (await e.core.call('sessions:list', {})).items
    expect(listed.map((s) => s.title)).toContain('House key (recall)')

    // Archive it: it leaves Recent and shows under Archived.
    const renamed = rows.filter({ hasText: 'House key (recall)' })
    await renamed.getByRole('button', { name: 'Actions for House key (recall)' }).click()
    await page.getByRole('menuitem', { name: 'Archive' }).click()
    await poll(() => rows.count()).toBe(1)
    await nav.getByText('Archived', { exact: true }).click()
    const archivedRows = nav.getByRole('list', { name: 'Archived chats' }).getByRole('listitem')
    await archivedRows.filter({ hasText: 'House key (recall)' }).waitFor()

    // Delete asks first; Cancel keeps it, Delete chat removes it for good.
    await archivedRows.getByRole('button', { name: 'Actions for House key (recall)' }).click()
    await page.getByRole('menuitem', { name: 'Delete…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete this chat?' })
    await dialog.waitFor()
    await e.screenshot('chat-delete-confirm')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'hidden' })
    expect((await e.core.call('sessions:list', { archived: true })).total).toBe(1)
    await archivedRows.getByRole('button', { name: 'Actions for House key (recall)' }).click()
    await page.getByRole('menuitem', { name: 'Delete…' }).click()
    await dialog.getByRole('button', { name: 'Delete chat' }).click()
    await poll(() => archivedRows.count()).toBe(0)
    expect((await e.core.call('sessions:list', { archived: true })).total).toBe(0)
    await nav.getByText('Recent', { exact: true }).click()
    await poll(() => rows.count()).toBe(1)
    await e.screenshot('chat-sessions')
    expect(e.pageErrors).toEqual([])
  })

  test('a link to an earlier message opens its chat scrolled to it, marked', async () => {
    const { page } = e
    const [session] = (await e.core.call('sessions:list', {})).items
    expect(session).toBeDefined()
    const first = (await messagesOf(session?.id as string)).find((m) => m.role === 'assistant')
    await page.keyboard.press('Control+n')
    await poll(() => page.url()).toContain('#/chat/new')
    await page.evaluate(`window.location.hash = ${JSON.stringify(`#/chat/${session?.id}?message=${first?.id}`)}`)
    const marked = page.locator(`[data-message-id="${first?.id}"]`)
    await poll(() => marked.getAttribute('data-highlighted')).toBe('true')
    await marked.waitFor()
    // The mark stays; the address bar drops ?message= so a reload does not jump again.
    await poll(() => page.url()).toMatch(new RegExp(`#/chat/${session?.id}$`))
    await e.screenshot('chat-message-marked')
    expect(e.pageErrors).toEqual([])
  })

  test('Settings shows the tokens used per day and model, and the latest calls', async () => {
    const { page } = e
    await page.keyboard.press('Control+6')
    const usage = page.getByRole('region', { name: 'Model usage' })
    await usage.getByTestId('usage-chart').waitFor()
    expect(await usage.getByRole('img', { name: /^Tokens per day/ }).getAttribute('aria-label')).toMatch(/test-model: [\d,]+ tokens/)
    const table = usage.getByRole('table', { name: 'Recent model calls' })
    await table.getByRole('cell', { name: 'Answer' }).first().waitFor()
    // "Only problems" leaves the stopped answer.
    await usage.getByRole('checkbox', { name: /^Only problems/ }).check()
    await poll(() => table.getByRole('row').count()).toBe(2)
    expect(await table.getByRole('row').nth(1).innerText()).toMatch(/Answer\s+test-model[\s\S]*stopped/i)
    await usage.scrollIntoViewIfNeeded()
    await e.screenshot('chat-settings-usage')
    expect(e.pageErrors).toEqual([])
  })
})
