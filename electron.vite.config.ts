import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

/**
 * Three builds: main (ESM, Node), preload (CommonJS: a sandboxed preload cannot be a
 * module), renderer (React). Worker threads are plain .mjs files loaded from
 * src/main/workers at run time (see src/main/core/paths.ts), so they are not bundled,
 * except the document parsing thread: its parsers are TypeScript, which a packaged app
 * cannot load through tsx, so it is a second main-process entry, out/main/parse.worker.js
 * (found by builtWorker() in paths.ts).
 */
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'parse.worker': resolve(__dirname, 'src/main/features/documents/parsing/parse.worker.entry.ts')
        }
      }
    }
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle everything else (zod, via
      // the contract's channel list) into the one file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } }
    }
  }
})
