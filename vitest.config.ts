import { defineConfig } from 'vitest/config'

/**
 * Three projects, one runner: unit (pure logic), integration (real PGlite, real model
 * fixture, real files) and e2e (the built renderer in Debian's Chromium over the bridge).
 * Integration and e2e start real databases, so they run one file at a time on 2 cores.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node'
        }
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          pool: 'forks'
        }
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          pool: 'forks'
        }
      }
    ]
  }
})
