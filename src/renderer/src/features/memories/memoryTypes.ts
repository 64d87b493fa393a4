/** The memory types offered in pickers; the core accepts any short word, these are the usual ones. */
export const MEMORY_TYPES = ['note', 'fact', 'preference', 'idea', 'task', 'person', 'event'] as const

/** The usual types plus any others seen, for a picker's options. */
export function typeOptions(seen: Iterable<string>): string[] {
  return [...new Set<string>([...MEMORY_TYPES, ...seen])]
}
