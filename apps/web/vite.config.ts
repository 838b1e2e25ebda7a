import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `npm run dev:web` serves the console with hot reload and sends API, DICOMweb and socket traffic to a hub on :3000.
const hub = process.env.HUB_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  resolve: {
    alias: {
      '@hub/contracts': fileURLToPath(new URL('../../libs/contracts/src/index.ts', import.meta.url)),
      xmlbuilder2: fileURLToPath(new URL('./src/viewer/shims/xmlbuilder2.ts', import.meta.url)),
    },
  },
  // Cornerstone's DICOM image loader decodes in a module web worker that loads its codecs (wasm) on demand; Vite must
  // bundle the worker as ESM and leave the loader out of dependency pre-bundling so `new URL(…, import.meta.url)` works.
  worker: { format: 'es' },
  optimizeDeps: {
    exclude: ['@cornerstonejs/dicom-image-loader'],
    include: ['dicom-parser'],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The image viewer's chunk (Cornerstone3D with vtk.js, ~4.3 MB) is loaded only by the pages that show images.
    chunkSizeWarningLimit: 4500,
    rollupOptions: {
      // The wasm codecs' `new URL(…)` transforms are slow on a busy machine; that is expected, not worth a note per build.
      checks: { bundlerTimings: false, pluginTimings: false },
      // react-router marks its modules "use client" (for server components, which a plain SPA does not have); the
      // codecs' Emscripten glue names Node's fs/path for when it runs under Node, never in the browser.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        if (/has been externalized for browser compatibility/.test(warning.message)) return;
        warn(warning);
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
