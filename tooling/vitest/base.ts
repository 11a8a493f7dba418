import { defineConfig } from 'vitest/config';

/** Shared settings: integration tests start real servers, so allow generous hook/test time. */
export const baseConfig = defineConfig({
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
    passWithNoTests: false,
  },
});
