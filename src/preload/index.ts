/**
 * The preload: a thin, allowlisted pipe from the sandboxed renderer to main. It exposes
 * `window.engram` with `invoke(channel, input)` for the contract's channels and
 * `on(event, listener)` for its events, and nothing else (no ipcRenderer, fs or path).
 * It is bundled whole into `out/preload/index.cjs`: a sandboxed preload can require only
 * 'electron'.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { createEngramApi } from './api'

contextBridge.exposeInMainWorld('engram', createEngramApi(ipcRenderer))
