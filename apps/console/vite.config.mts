import { defineConfig } from 'vite';

// The agent console: built into dist/console, which the gateway serves at /console/.
// `npm run console:dev` serves it with hot reload and sends /v1 to a gateway on :3000.
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../../dist/console',
    emptyOutDir: true,
  },
  server: {
    proxy: { '/v1': 'http://127.0.0.1:3000' },
  },
});
