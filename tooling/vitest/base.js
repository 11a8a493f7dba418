import { defineConfig } from 'vitest/config';

/** Shared test settings. Plain JS: vitest loads configs with Node, which cannot import TypeScript from node_modules. */
export const baseConfig = defineConfig({
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    passWithNoTests: false,
  },
});
