import { defineConfig } from 'vitest/config'

/**
 * Three projects, one runner: unit (pure logic), integration (real PGlite, real model
 * fixture, real files) and e2e (the built renderer in Debian's Chromium over the bridge).
 * Integration and e2e start real databases, so they run one file at a time on 2 cores,
 * and one project after the other (`sequence.groupOrder`): Vitest otherwise runs projects
 * side by side, and an e2e file (Chromium, a database, two embedder workers) next to an
 * integration file made CLI spawns 3× slower in one CI run and timed a test out.
 */
/**
 * expect.poll waits 1 s by default: on 2 busy cores a screen or a background job can take
 * longer than that to get there (a CI run failed on exactly that). A poll still fails, just later.
 */
const SLOW_MACHINE_POLL = { timeout: 20_000, interval: 50 }

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          sequence: { groupOrder: 0 },
          environment: 'node'
        }
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          expect: { poll: SLOW_MACHINE_POLL },
          fileParallelism: false,
          pool: 'forks'
        }
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          sequence: { groupOrder: 2 },
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 300_000,
          expect: { poll: SLOW_MACHINE_POLL },
          fileParallelism: false,
          pool: 'forks'
        }
      }
    ]
  }
})
