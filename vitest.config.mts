import { defineConfig } from 'vitest/config';

// One run, three projects: unit tests beside the code, integration tests (*.int.test.ts) against
// the private engine the test bed starts, and end-to-end tests driving Chromium. The engine-bound
// projects run one after the other, each a file at a time: they share one engine, and tests that
// prove "nothing left behind" count its containers.
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['electron/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['electron/**/*.int.test.ts', 'testbed/**/*.int.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // Long load runs: only with --project soak (npm run soak).
          name: 'soak',
          sequence: { groupOrder: 3 },
          include: ['soak/**/*.soak.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          include: ['e2e/**/*.e2e.test.ts'],
          // The timeline's 200 one-click checkpoints take ~180 s on the 2-core CI machine.
          testTimeout: 420_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
