import type { Handlers } from '../../ipc/router'
import type { DocumentsService } from './documents.service'

type DocumentChannels =
  | 'documents:importBytes' | 'documents:list' | 'documents:get' | 'documents:cancel' | 'documents:retry'
  | 'documents:archive' | 'documents:restore' | 'documents:delete'

export const documentsHandlers = (documents: () => Promise<DocumentsService>): Pick<Handlers, DocumentChannels> => ({
  'documents:importBytes': async (i) =>
    (await documents()).importFiles(
      i.files.map((f) => ({ fileName: f.name, bytes: Buffer.from(f.data, 'base64') })),
      { source: 'drop', password: i.password }
    ),
  'documents:list': async (i) => (await documents()).list(i),
  'documents:get': async (i) => (await documents()).get(i.id),
  'documents:cancel': async (i) => (await documents()).cancel(i.id),
  'documents:retry': async (i) => (await documents()).retry(i.id, i.password),
  'documents:archive': async (i) => (await documents()).archive(i.id),
  'documents:restore': async (i) => (await documents()).restore(i.id),
  'documents:delete': async (i) => {
    await (await documents()).remove(i.id)
    return { deleted: true as const }
  }
})
