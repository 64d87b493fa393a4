/** What the keyboard looks like here: macOS says ⌘ where others say Ctrl. */
export const isMac = /Mac|iPhone|iPad/.test(navigator.userAgent)

/** The label of the primary modifier key. */
export const modLabel = isMac ? '⌘' : 'Ctrl'
