/** The chat and sessions channels, mapped to the chat service. */
import type { Handlers } from '../../ipc/router'
import type { ChatService } from './chat.service'

export const CHAT_CHANNELS = [
  'sessions:list', 'sessions:create', 'sessions:get', 'sessions:rename', 'sessions:configure', 'sessions:archive', 'sessions:restore', 'sessions:delete',
  'chat:send', 'chat:stop', 'chat:regenerate', 'chat:edit', 'chat:feedback'
] as const

type ChatChannel = (typeof CHAT_CHANNELS)[number]

export const chatHandlers = (chat: () => Promise<ChatService>): Pick<Handlers, ChatChannel> => ({
  'sessions:list': async (i) => (await chat()).listSessions(i),
  'sessions:create': async (i) => (await chat()).createSession(i.title),
  'sessions:get': async (i) => (await chat()).getSession(i.id, i.includeSuperseded),
  'sessions:rename': async (i) => (await chat()).rename(i.id, i.title),
  'sessions:configure': async (i) => (await chat()).configure(i.id, i.settings),
  'sessions:archive': async (i) => (await chat()).archive(i.id),
  'sessions:restore': async (i) => (await chat()).restore(i.id),
  'sessions:delete': async (i) => (await chat()).remove(i.id),
  'chat:send': async (i) => (await chat()).send(i),
  'chat:stop': async (i) => (await chat()).stop(i.messageId),
  'chat:regenerate': async (i) => (await chat()).regenerate(i.messageId),
  'chat:edit': async (i) => (await chat()).edit(i.messageId, i.content),
  'chat:feedback': async (i) => (await chat()).feedback(i.messageId, i.value, i.comment)
})
