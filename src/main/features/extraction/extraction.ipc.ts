/** Contract channels for memory extraction and the proposals inbox. */
import type { Handlers } from '../../ipc/router'
import type { ExtractionService } from './extraction.service'

export const EXTRACTION_CHANNELS = ['chat:extract', 'proposals:list', 'proposals:confirm', 'proposals:reject'] as const
type ExtractionChannel = (typeof EXTRACTION_CHANNELS)[number]

export const extractionHandlers = (extraction: () => Promise<ExtractionService>): Pick<Handlers, ExtractionChannel> => ({
  'chat:extract': async (i) => (await extraction()).extract(i.sessionId),
  'proposals:list': async (i) => (await extraction()).list(i),
  'proposals:confirm': async (i) => (await extraction()).confirm(i.id, i.content),
  'proposals:reject': async (i) => (await extraction()).reject(i.id)
})
