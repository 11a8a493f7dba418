import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { crewship: 'src/crewship.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  // Workspace packages ship TypeScript sources, so they are bundled; the server stays external because
  // `crewship start` loads it lazily, and npm dependencies stay external.
  noExternal: [/^@crewship\/(?!server(?:\/|$))/],
});
