import { defineConfig } from 'vitest/config';

// Unit and engine tests run in Node. Browser journeys live in e2e/ (Playwright).
export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'workers/**/*.test.ts', 'app/**/*.test.ts', 'app/**/*.test.tsx', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'threads',
  },
});
