import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Several files start real processes (Node, wrangler's workerd) and databases.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
