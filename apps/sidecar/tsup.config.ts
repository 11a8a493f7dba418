import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { sidecar: 'src/main.ts' },
  format: ['cjs'],
  target: 'node20',
  platform: 'node',
  sourcemap: false,
  clean: true,
  splitting: false,
  // One self-contained file run by a mounted node inside the container: there is no node_modules
  // there, so every dependency (workspace packages and zod) is inlined; only Node built-ins stay out.
  noExternal: [/.*/],
});
