import type { Handlers } from '../../ipc/router'
import type { ChatImportService } from './chat-import.service'

export const chatImportHandlers = (chats: () => Promise<ChatImportService>): Pick<Handlers, 'chats:importExport'> => ({
  'chats:importExport': async (i) => (await chats()).importExport({ fileName: i.name, bytes: Buffer.from(i.data, 'base64') }, { source: 'drop' })
})
