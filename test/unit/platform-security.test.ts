/**
 * The Electron layer's security decisions, tested as the pure functions they are (no
 * Electron binary exists here, and none is needed to decide these).
 */
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  CSP,
  formatAccelerator,
  isAllowedNavigation,
  isPermissionAllowed,
  isSafeExternalUrl,
  isTrustedSender,
  quickCaptureLabel,
  rendererTarget
} from '../../src/main/platform/policy'

const rendererDir = resolve('/opt/engram/out/renderer')
const indexUrl = pathToFileURL(join(rendererDir, 'index.html')).href
const prod = { rendererDir }
const dev = { rendererDir, devServerUrl: 'http://localhost:5173/' }

describe('isTrustedSender', () => {
  it('trusts the built renderer, with any hash or query', () => {
    expect(isTrustedSender(indexUrl, prod)).toBe(true)
    expect(isTrustedSender(`${indexUrl}#/capture`, prod)).toBe(true)
    expect(isTrustedSender(`${indexUrl}?x=1`, prod)).toBe(true)
    expect(isTrustedSender(pathToFileURL(join(rendererDir, 'assets', 'index-abc.js')).href, prod)).toBe(true)
  })

  it('refuses files outside the renderer folder, including look-alike and traversal paths', () => {
    expect(isTrustedSender(pathToFileURL('/etc/passwd').href, prod)).toBe(false)
    expect(isTrustedSender(pathToFileURL(`${rendererDir}-evil/index.html`).href, prod)).toBe(false)
    expect(isTrustedSender(pathToFileURL(resolve(rendererDir, '..')).href, prod)).toBe(false)
    expect(isTrustedSender(pathToFileURL(rendererDir).href, prod)).toBe(false)
    expect(isTrustedSender('file:///opt/engram/out/renderer/../main/index.js', prod)).toBe(false)
    expect(isTrustedSender('file:///opt/engram/out/renderer/%2e%2e/main/index.js', prod)).toBe(false)
  })

  it('refuses a file URL with a remote host', () => {
    expect(isTrustedSender('file://attacker.example/opt/engram/out/renderer/index.html', prod)).toBe(false)
  })

  it('trusts the dev server origin only when one is configured', () => {
    expect(isTrustedSender('http://localhost:5173/', dev)).toBe(true)
    expect(isTrustedSender('http://localhost:5173/#/capture', dev)).toBe(true)
    expect(isTrustedSender('http://localhost:5173/', prod)).toBe(false)
    expect(isTrustedSender('http://localhost:5174/', dev)).toBe(false)
    expect(isTrustedSender('https://localhost:5173/', dev)).toBe(false)
    expect(isTrustedSender('http://localhost.evil.example:5173/', dev)).toBe(false)
    expect(isTrustedSender('http://localhost:5173/', { rendererDir, devServerUrl: 'javascript:alert(1)' })).toBe(false)
  })

  it('refuses everything else', () => {
    for (const url of [
      '',
      null,
      undefined,
      'about:blank',
      'data:text/html,<script>1</script>',
      'devtools://devtools/bundled/inspector.html',
      'chrome-extension://abc/index.html',
      'https://example.com/',
      'not a url'
    ]) {
      expect(isTrustedSender(url, dev)).toBe(false)
    }
  })
})

describe('isAllowedNavigation', () => {
  it('allows only the same page, whatever the hash', () => {
    expect(isAllowedNavigation(indexUrl, indexUrl)).toBe(true)
    expect(isAllowedNavigation(`${indexUrl}#/`, `${indexUrl}#/settings`)).toBe(true)
    expect(isAllowedNavigation(indexUrl, 'https://example.com/')).toBe(false)
    expect(isAllowedNavigation(indexUrl, pathToFileURL('/tmp/dropped.html').href)).toBe(false)
    expect(isAllowedNavigation(indexUrl, `${indexUrl}?other=1`)).toBe(false)
    expect(isAllowedNavigation('', indexUrl)).toBe(false)
  })
})

describe('isSafeExternalUrl', () => {
  it('lets plain http(s) links through', () => {
    expect(isSafeExternalUrl('https://example.com/a?b=c#d')).toBe(true)
    expect(isSafeExternalUrl('http://example.com')).toBe(true)
  })

  it('refuses schemes that can start programs, credentials and junk', () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-msdt:/id',
      'vscode://file/x',
      'data:text/html,x',
      'https://user:pass@example.com/',
      'not a url',
      `https://example.com/${'a'.repeat(5000)}`
    ]) {
      expect(isSafeExternalUrl(url)).toBe(false)
    }
  })
})

describe('isPermissionAllowed', () => {
  it('refuses every permission but clipboard writes from our own pages', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', indexUrl, prod)).toBe(true)
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://example.com/', prod)).toBe(false)
    expect(isPermissionAllowed('clipboard-sanitized-write', undefined, prod)).toBe(false)
    for (const p of ['clipboard-read', 'media', 'notifications', 'geolocation', 'openExternal', 'fullscreen', 'unknown']) {
      expect(isPermissionAllowed(p, indexUrl, prod)).toBe(false)
    }
  })
})

describe('CSP', () => {
  it('matches the policy of the renderer and the bridge', () => {
    const directives = Object.fromEntries(CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]))
    expect(directives).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data: blob:",
      'font-src': "'self' data:",
      'connect-src': "'self' ws://127.0.0.1:* ws://localhost:*",
      'object-src': "'none'",
      'base-uri': "'none'"
    })
    expect(CSP).not.toContain('unsafe-eval')
  })
})

describe('rendererTarget', () => {
  it('loads the dev server in development and the built file otherwise', () => {
    expect(rendererTarget({ ...dev, hash: '#/capture' })).toEqual({ kind: 'url', url: 'http://localhost:5173/#/capture' })
    expect(rendererTarget(dev)).toEqual({ kind: 'url', url: 'http://localhost:5173/' })
    expect(rendererTarget(prod)).toEqual({ kind: 'file', file: join(rendererDir, 'index.html') })
    expect(rendererTarget({ ...prod, hash: '#/capture' })).toEqual({ kind: 'file', file: join(rendererDir, 'index.html'), hash: '/capture' })
  })

  it('ignores a dev server URL that is not http(s)', () => {
    expect(rendererTarget({ rendererDir, devServerUrl: 'file:///evil/index.html' })).toEqual({ kind: 'file', file: join(rendererDir, 'index.html') })
  })
})

describe('accelerators in menus', () => {
  it('names the modifier of each platform', () => {
    expect(formatAccelerator('CommandOrControl+Shift+Space', 'linux')).toBe('Ctrl+Shift+Space')
    expect(formatAccelerator('CmdOrCtrl+Shift+Space', 'win32')).toBe('Ctrl+Shift+Space')
    expect(formatAccelerator('CommandOrControl+Shift+Space', 'darwin')).toBe('Cmd+Shift+Space')
    expect(formatAccelerator('Control+Option+Return', 'linux')).toBe('Ctrl+Alt+Enter')
    expect(formatAccelerator(null, 'linux')).toBeNull()
  })

  it('labels quick capture with its shortcut, or without one when it is off', () => {
    expect(quickCaptureLabel('CommandOrControl+Shift+Space', 'linux')).toBe('Quick capture (Ctrl+Shift+Space)')
    expect(quickCaptureLabel(null, 'darwin')).toBe('Quick capture')
  })
})
