/**
 * The parsing thread as the built app runs it: electron-vite bundles this file into
 * out/main/parse.worker.js (see electron.vite.config.ts), so a packaged app, which has no
 * tsx to load TypeScript, still parses on a thread of its own. Running from source,
 * parse.worker.mjs is used instead (same loop, serve.ts).
 */
import { parentPort } from 'node:worker_threads'
import { parseInProcess } from './parse'
import { serveParsing } from './serve'

if (!parentPort) throw new Error('parse.worker must run as a worker thread')
serveParsing(parentPort, parseInProcess)
