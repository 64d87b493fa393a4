/**
 * The preload: a thin, allowlisted pipe from the sandboxed renderer to main. It exposes
 * `window.engram` with `invoke(channel, input)` for the contract's channels,
 * `on(event, listener)` for its events, and the file-import functions of ./files
 * (which turn the user's dropped File objects into paths here, never in the page), and
 * nothing else (no ipcRenderer, fs or path). It is bundled whole into
 * `out/preload/index.cjs`: a sandboxed preload can require only 'electron'.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { createEngramApi } from './api'
import { createFileApi } from './files'

contextBridge.exposeInMainWorld('engram', {
  ...createEngramApi(ipcRenderer),
  ...createFileApi(ipcRenderer, (file) => webUtils.getPathForFile(file))
})
