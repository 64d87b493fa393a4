/**
 * TEMPORARY (session 2, being replaced): the chat channels answer "unavailable" until
 * chat.ipc.ts and llm.ipc.ts land. Each helper removes the channels it implements.
 */
import { AppError } from '../../../shared/errors'
import type { Handlers } from '../../ipc/router'

const CHANNELS = [
  'sessions:list', 'sessions:create', 'sessions:get', 'sessions:rename', 'sessions:configure', 'sessions:archive', 'sessions:restore', 'sessions:delete',
  'chat:send', 'chat:stop', 'chat:regenerate', 'chat:edit', 'chat:feedback', 'chat:extract',
  'proposals:list', 'proposals:confirm', 'proposals:reject',
  'llm:status', 'llm:configure', 'llm:models', 'llm:test', 'traces:list', 'traces:usage'
] as const

export type PlaceholderChannel = (typeof CHANNELS)[number]

export function placeholderHandlers(except: readonly string[] = []): Pick<Handlers, PlaceholderChannel> {
  const out: Record<string, () => never> = {}
  for (const c of CHANNELS) {
    if (except.includes(c)) continue
    out[c] = () => {
      throw new AppError('unavailable', 'Chat is not available in this build yet.')
    }
  }
  return out as unknown as Pick<Handlers, PlaceholderChannel>
}
