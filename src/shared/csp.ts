/**
 * The Content-Security-Policy of every Engram page, served as a header by Electron and by
 * the loopback bridge. The renderer's meta tag carries the same policy, less
 * `frame-ancestors` and `form-action`, which a meta tag cannot carry.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'"
].join('; ')
