/** Contract channels for the chat model's provider and the LLM traces. */
import type { Knex } from 'knex'
import type { Handlers } from '../../ipc/router'
import type { LlmService } from './llm.types'
import { tracesRepository } from './traces.repository'

export const LLM_CHANNELS = ['llm:status', 'llm:configure', 'llm:models', 'llm:test', 'traces:list', 'traces:usage'] as const
type LlmChannel = (typeof LLM_CHANNELS)[number]

export const llmHandlers = (services: () => Promise<{ llm: LlmService; ctx: { db: Knex } }>): Pick<Handlers, LlmChannel> => {
  const llm = async (): Promise<LlmService> => (await services()).llm
  const db = async (): Promise<Knex> => (await services()).ctx.db
  return {
    'llm:status': async () => (await llm()).status(),
    'llm:configure': async (i) => (await llm()).configure(i),
    'llm:models': async (i) => (await llm()).models(i),
    'llm:test': async () => (await llm()).test(),
    'traces:list': async (i) => tracesRepository.list(await db(), i),
    'traces:usage': async (i) => tracesRepository.usage(await db(), i.days)
  }
}
