#!/usr/bin/env node
// The `engram` command: the headless face of the app, over the same core services.
// TypeScript sources run through tsx, so the CLI needs no build step after `npm install`.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
