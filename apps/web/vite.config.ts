import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `npm run dev:web` serves the console with hot reload and sends API, DICOMweb and socket traffic to a hub on :3000.
const hub = process.env.HUB_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  resolve: {
    alias: { '@hub/contracts': fileURLToPath(new URL('../../libs/contracts/src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      // react-router marks its modules "use client" (for server components, which a plain SPA does not have).
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: {
      '/api': hub,
      '/dicomweb': hub,
      '/socket.io': { target: hub, ws: true },
    },
  },
});
