import { baseConfig } from '@crewship/tooling-vitest';
import { defineConfig, mergeConfig } from 'vitest/config';

export default mergeConfig(
  baseConfig,
  defineConfig({
    test: {
      include: ['{apps,packages}/*/{src,test}/**/*.test.ts'],
    },
  }),
);
