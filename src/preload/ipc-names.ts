/**
 * The Electron IPC channel names between the preload and main. Every contract call
 * travels on `IPC_INVOKE`, so main has one place to check the sender; the file-import
 * channels exist apart from the contract so that a page can never send a path it made up
 * (see src/preload/files.ts). No imports: the sandboxed preload bundles this, and main's
 * platform layer imports it.
 */

/** Renderer to main: `(channel, input)`, answered with a `Result`. */
export const IPC_INVOKE = 'engram:invoke'
/** Main to renderer: `(event, payload)` for the events in the contract's `EventMap`. */
export const IPC_EVENT = 'engram:event'
/** Renderer to main: `(paths: string[])` of dropped files the preload resolved; answered with a `Result<ImportResult>`. */
export const IPC_IMPORT_PATHS = 'engram:import-paths'
/** Renderer to main: `(kind: 'files' | 'folder')`; main shows the open dialog and imports what was chosen. Answers `Result<ImportResult | null>` (null: the dialog was cancelled). */
export const IPC_PICK_AND_IMPORT = 'engram:pick-and-import'
/** Renderer to main: `(purpose)`; main shows the dialog for it, grants the chosen path to the channels of that purpose (src/main/core/path-grants.ts) and answers `Result<string | null>` (null: cancelled). */
export const IPC_PICK_PATH = 'engram:pick-path'
/** What a picked path is for (the same list as PathPurpose in src/main/core/path-grants.ts). */
export const PICK_PURPOSES = ['watch-folder', 'archive-save', 'archive-open', 'backup-folder'] as const
