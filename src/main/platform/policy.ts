/**
 * The security and shell decisions of the Electron layer, as pure functions. They import
 * no electron, so unit tests run them here, where no Electron binary exists; the
 * electron-touching modules next to this one only apply what these decide.
 */
import { isAbsolute, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Where our own pages come from. */
export interface AppOrigin {
  /** The built renderer folder (`out/renderer`); pages are file:// URLs inside it. */
  rendererDir: string
  /** The electron-vite dev server (`ELECTRON_RENDERER_URL`), in development only. */
  devServerUrl?: string | undefined
}

/** The Content-Security-Policy of every app page (one definition, shared with the bridge). */
export { CSP } from '../../shared/csp'

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

function devOrigin(devServerUrl: string | undefined): string | null {
  if (!devServerUrl) return null
  const u = parse(devServerUrl)
  return u && (u.protocol === 'http:' || u.protocol === 'https:') ? u.origin : null
}

/** True when `file` is `dir` itself or lies inside it (after resolving `..`). */
function isInside(dir: string, file: string): boolean {
  const rel = relative(resolve(dir), resolve(file))
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

/**
 * Is `frameUrl` one of our pages: a file inside the built renderer folder, or a page of the
 * dev server? Everything else (about:blank, data:, devtools:, a remote site, a file elsewhere
 * on disk, a file:// URL with a host) is not.
 */
export function isTrustedSender(frameUrl: string | null | undefined, opts: AppOrigin): boolean {
  if (!frameUrl) return false
  const u = parse(frameUrl)
  if (!u) return false
  if (u.protocol === 'file:') {
    if (u.host !== '' && u.host !== 'localhost') return false
    let file: string
    try {
      file = fileURLToPath(u)
    } catch {
      return false
    }
    return isInside(opts.rendererDir, file)
  }
  const dev = devOrigin(opts.devServerUrl)
  return dev !== null && u.origin === dev
}

/** The CSP header goes on every response for our own pages and their assets. */
export const isAppUrl = isTrustedSender

/** Only a reload of the very same page may navigate a window; the hash may differ (routing). */
export function isAllowedNavigation(currentUrl: string, targetUrl: string): boolean {
  const a = parse(currentUrl)
  const b = parse(targetUrl)
  if (!a || !b) return false
  a.hash = ''
  b.hash = ''
  return a.href === b.href
}

/**
 * May this link open in the user's browser? Only plain http(s) URLs without credentials.
 * `file:`, `javascript:`, custom schemes and the like can start programs, so they never go
 * to `shell.openExternal`.
 */
export function isSafeExternalUrl(url: string): boolean {
  if (url.length > 4096) return false
  const u = parse(url)
  if (!u) return false
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false
  if (u.username || u.password) return false
  return u.hostname !== ''
}

/**
 * Permission requests are refused, with one exception: our own pages may write to the
 * clipboard (Chromium asks for `clipboard-sanitized-write` on `navigator.clipboard.writeText`).
 * Reading the clipboard, notifications, media, geolocation and the rest stay off.
 */
export function isPermissionAllowed(permission: string, requestingUrl: string | undefined, opts: AppOrigin): boolean {
  return permission === 'clipboard-sanitized-write' && isTrustedSender(requestingUrl, opts)
}

/** The page to load: the dev server in development, else the built `index.html`. */
export function rendererTarget(
  opts: AppOrigin & { hash?: string | undefined }
): { kind: 'url'; url: string } | { kind: 'file'; file: string; hash?: string } {
  const dev = devOrigin(opts.devServerUrl)
  if (dev && opts.devServerUrl) {
    const u = new URL(opts.devServerUrl)
    if (opts.hash) u.hash = opts.hash
    return { kind: 'url', url: u.href }
  }
  const file = resolve(opts.rendererDir, 'index.html')
  return opts.hash ? { kind: 'file', file, hash: opts.hash.replace(/^#/, '') } : { kind: 'file', file }
}

/**
 * An accelerator as people read it in a menu: "CommandOrControl+Shift+Space" becomes
 * "Ctrl+Shift+Space" on Windows and Linux and "Cmd+Shift+Space" on macOS.
 */
export function formatAccelerator(accelerator: string | null, platform: NodeJS.Platform): string | null {
  if (!accelerator) return null
  const mac = platform === 'darwin'
  const names: Record<string, string> = {
    CommandOrControl: mac ? 'Cmd' : 'Ctrl',
    CmdOrCtrl: mac ? 'Cmd' : 'Ctrl',
    Command: 'Cmd',
    Control: 'Ctrl',
    Option: 'Alt',
    Super: mac ? 'Cmd' : 'Super',
    Meta: mac ? 'Cmd' : 'Super',
    Return: 'Enter',
    Esc: 'Escape'
  }
  return accelerator
    .split('+')
    .map((part) => names[part] ?? part)
    .join('+')
}

/** The tray menu's "Quick capture" label, naming the shortcut when there is one. */
export function quickCaptureLabel(accelerator: string | null, platform: NodeJS.Platform): string {
  const shown = formatAccelerator(accelerator, platform)
  return shown ? `Quick capture (${shown})` : 'Quick capture'
}

/** The most paths one drop may send (the preload sends at most this many). */
export const MAX_IMPORT_PATHS = 10_000

/**
 * The paths of an `engram:import-paths` message, or null when it is not a list of absolute
 * paths. The preload sends only what `webUtils.getPathForFile` resolved for the user's own
 * drop; this is the second check, in main, that nothing else got through.
 */
export function importPathsFrom(raw: unknown): string[] | null {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_IMPORT_PATHS) return null
  const out = new Set<string>()
  for (const p of raw) {
    if (typeof p !== 'string' || p.length === 0 || p.length > 4096 || p.includes('\0') || !isAbsolute(p)) return null
    out.add(p)
  }
  return [...out]
}
