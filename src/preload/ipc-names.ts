/**
 * The two Electron IPC channel names between the preload and main. Every contract call
 * travels on one of them, so main has one place to check the sender. No imports: the
 * sandboxed preload bundles this, and main's platform layer imports it.
 */

/** Renderer to main: `(channel, input)`, answered with a `Result`. */
export const IPC_INVOKE = 'engram:invoke'
/** Main to renderer: `(event, payload)` for the events in the contract's `EventMap`. */
export const IPC_EVENT = 'engram:event'
