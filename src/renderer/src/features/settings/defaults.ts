/** The quick-capture shortcut offered when the user turns it back on without a previous one. */
export const DEFAULT_CAPTURE_SHORTCUT = 'CommandOrControl+Shift+Space'
