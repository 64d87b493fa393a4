/**
 * Locks down every web page Engram shows. The pages are our own renderer, so nothing may
 * navigate them elsewhere, open new windows, attach a <webview>, or be granted a
 * permission; every app page gets a strict CSP header. Links to the web open in the
 * user's browser, after `isSafeExternalUrl` has checked them. The decisions themselves are
 * the pure functions in `./policy` (unit-tested without Electron).
 */
import { app, shell, type Session, type WebContents } from 'electron'
import { CSP, isAllowedNavigation, isAppUrl, isPermissionAllowed, isSafeExternalUrl, type AppOrigin } from './policy'

export { isTrustedSender } from './policy'

function openExternally(url: string): void {
  if (!isSafeExternalUrl(url)) return
  shell.openExternal(url).catch(() => undefined)
}

/** Navigation, new windows and webviews, for one webContents. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (isAllowedNavigation(contents.getURL(), url)) return
    event.preventDefault()
    openExternally(url)
  })
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(contents.getURL(), url)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url)
    return { action: 'deny' }
  })
}

/** Permissions and the CSP header, for one session. */
export function hardenSession(session: Session, origin: AppOrigin): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl ?? contents?.getURL(), origin))
  })
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionAllowed(permission, details.requestingUrl ?? requestingOrigin, origin)
  )
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url, origin)) {
      callback({})
      return
    }
    const headers = { ...details.responseHeaders }
    for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-security-policy') delete headers[key]
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CSP] } })
  })
}

/** Apply the rules to the default session and to every webContents that will ever exist. */
export function installSecurity(origin: AppOrigin, defaultSession: Session): void {
  hardenSession(defaultSession, origin)
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents))
}
