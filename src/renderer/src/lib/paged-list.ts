/**
 * The paged lists of Memories and Documents keep every page they loaded (by its cursor)
 * and show them as one flat list. A refresh reloads, in place, only the first page and the
 * pages with rows on screen, so a deep scroll is neither lost nor reloaded page by page.
 */

export interface Page<T> {
  cursor: string | undefined
  items: T[]
}

/** One answer of a `…:list` channel. */
export interface PageAnswer<T> {
  items: T[]
  total: number
  nextCursor: string | null
}

/** The loaded pages as one list, each id once (a row that moved between pages is shown where it was first). */
export function flattenPages<T extends { id: string }>(pages: ReadonlyArray<Page<T>>): T[] {
  const seen = new Set<string>()
  const out: T[] = []
  for (const p of pages)
    for (const x of p.items) {
      if (seen.has(x.id)) continue
      seen.add(x.id)
      out.push(x)
    }
  return out
}

/** Fetches again the first page and every page with a row in `visible` (row indexes, end inclusive). */
export async function fetchVisiblePages<T>(
  pages: ReadonlyArray<Page<T>>,
  visible: { start: number; end: number },
  load: (cursor: string | undefined) => Promise<PageAnswer<T>>
): Promise<Array<{ i: number; page: PageAnswer<T> }>> {
  const wanted = new Set<number>([0])
  let start = 0
  pages.forEach((p, i) => {
    const end = start + p.items.length
    if (end > visible.start && start <= visible.end) wanted.add(i)
    start = end
  })
  return Promise.all([...wanted].map(async (i) => ({ i, page: await load(pages[i]?.cursor) })))
}

/** `fetchVisiblePages`' answers put in place of the pages they reloaded (pages dropped meanwhile are skipped). */
export function applyFreshPages<T>(
  current: { pages: ReadonlyArray<Page<T>>; total: number | null; nextCursor: string | null },
  fresh: ReadonlyArray<{ i: number; page: PageAnswer<T> }>
): { pages: Array<Page<T>>; total: number | null; nextCursor: string | null } {
  const pages = current.pages.slice()
  let { total, nextCursor } = current
  for (const { i, page } of fresh) {
    const old = pages[i]
    if (!old) continue
    pages[i] = { cursor: old.cursor, items: page.items }
    total = page.total
    if (i === pages.length - 1) nextCursor = page.nextCursor
  }
  return { pages, total, nextCursor }
}
