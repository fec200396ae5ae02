import { defineConfig } from 'vite';

// Built with `npx vite build web`; served by the api role from web/dist (SPA fallback to index.html).
const root = decodeURIComponent(new URL('.', import.meta.url).pathname);
const backend = 'http://localhost:8080';

export default defineConfig({
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/media': { target: backend, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': backend,
      '/media': backend,
    },
  },
  build: {
    outDir: `${root}dist`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Shaka Player ships pre-minified (~710 kB, ~225 kB gzip). It is only ever loaded by the lazy
    // player route, in a vendor chunk of its own, so the warning limit is raised just above it.
    chunkSizeWarningLimit: 760,
    rolldownOptions: {
      // Timing notes about Vite's own CSS plugin on a busy machine are noise, not something to fix here.
      checks: { bundlerTimings: false },
      output: {
        codeSplitting: {
          groups: [
            { name: 'shaka', test: /node_modules[\\/]shaka-player/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
          ],
        },
      },
    },
  },
});
