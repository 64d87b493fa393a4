/**
 * The LLM layer as the rest of main sees it (chat answers, query rewrites, titles,
 * extraction, digests). One OpenAI-compatible client behind it; every call writes a
 * trace row. Implemented in llm.service.ts.
 */
import type { Result } from '../../../shared/errors'
import type { LlmStatus, LlmTestResult, SessionSettings } from '../../../shared/chat'

/** A resolved provider: session override → profile setting → app default. */
export interface LlmConfig {
  baseUrl: string
  model: string
  /** Decrypted only in memory, never logged. */
  apiKey: string | null
  temperature: number | null
}

export interface LlmMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export type TraceKind = 'answer' | 'rewrite' | 'title' | 'extract' | 'digest' | 'test'

export interface CompleteOptions {
  config: LlmConfig
  messages: LlmMessage[]
  /** What the call serves; written on its trace row. */
  kind: TraceKind
  sessionId?: string | null
  messageId?: string | null
  /** Aborts the request (stop button, cancelled workflow). Partial text is returned, `incomplete: true`. */
  signal?: AbortSignal
  maxTokens?: number
  /** Ask for a JSON object (response_format json_object where the endpoint supports it). */
  json?: boolean
  /** Streams when given: called with each new piece of text. */
  onToken?: (delta: string) => void
  /** Called when the request leaves (its first byte is written): the end of retrieval overhead. */
  onRequestSent?: () => void
}

export interface Completion {
  content: string
  model: string
  /** From the endpoint's usage when it reports one, else counted locally. */
  inputTokens: number
  outputTokens: number
  durationMs: number
  firstTokenMs: number | null
  /** Stopped by the signal or cut off mid-stream: `content` holds what arrived. */
  incomplete: boolean
  /** Why it is incomplete, in plain words (null when complete). */
  error: string | null
  /** The `traces` row written for this call (null if it could not be written). */
  traceId?: string | null
}

export interface LlmService {
  /** The provider for a call, or null when none is configured (chat answers in recall mode). */
  resolve(session?: SessionSettings | null): Promise<LlmConfig | null>
  /**
   * One chat completion. Errors are values with codes: `unauthorized` (wrong API key:
   * the message points to Settings), `unavailable` (unreachable, HTTP 5xx, 429 after
   * retries, with the wait named), `cancelled` (stopped by the signal before any text
   * arrived). A stream cut halfway, or stopped after some text, is not an error: it
   * returns the partial text with `incomplete: true` and `error` saying why.
   */
  complete(opts: CompleteOptions): Promise<Result<Completion>>
  /** Tokens in a text, with the tokenizer used for context budgets. */
  countTokens(text: string): number
  status(): Promise<LlmStatus>
  configure(input: { baseUrl: string | null; model: string | null; apiKey?: string | null }): Promise<LlmStatus>
  models(input?: { baseUrl?: string; apiKey?: string }): Promise<string[]>
  test(): Promise<LlmTestResult>
}
