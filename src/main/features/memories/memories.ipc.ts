import type { Handlers } from '../../ipc/router'
import type { MemoriesService } from './memories.service'
import type { SearchService } from '../search/search.service'

type MemoryChannels =
  | 'memories:capture' | 'memories:list' | 'memories:get' | 'memories:update' | 'memories:archive' | 'memories:restore'
  | 'memories:delete' | 'memories:undoDelete' | 'memories:merge' | 'memories:dismissDuplicate' | 'memories:timeline' | 'search:query'

export const memoriesHandlers = (services: () => Promise<{ memories: MemoriesService; search: SearchService }>): Pick<Handlers, MemoryChannels> => {
  const m = async (): Promise<MemoriesService> => (await services()).memories
  return {
    'memories:capture': async (i) => (await m()).capture(i),
    'memories:list': async (i) => (await m()).list(i),
    'memories:get': async (i) => (await m()).get(i.id, { recordAccess: i.recordAccess }),
    'memories:update': async ({ id, ...patch }) => (await m()).update(id, patch),
    'memories:archive': async (i) => (await m()).archive(i.id),
    'memories:restore': async (i) => (await m()).restore(i.id),
    'memories:delete': async (i) => (await m()).remove(i.id),
    'memories:undoDelete': async (i) => (await m()).undoRemove(i.undoToken),
    'memories:merge': async (i) => (await m()).merge(i.ids, i.content),
    'memories:dismissDuplicate': async (i) => (await m()).dismissDuplicate(i.id, i.candidateId),
    'memories:timeline': async (i) => (await m()).timeline(i.days),
    'search:query': async (i) => (await services()).search.search(i)
  }
}
