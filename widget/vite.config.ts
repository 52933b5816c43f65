// The booking widget as ONE self-registering script: dist/widget/widget.js (IIFE, ES2020, minified), which the
// server serves at /widget.js. It works as a classic <script> and as <script type="module">. Built by
// scripts/build-web.mjs (npm run build). Type-check the sources with `npx tsc -p widget/tsconfig.json`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/widget', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    minify: true,
    sourcemap: false,
    reportCompressedSize: false,
    lib: {
      entry: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      formats: ['iife'],
      name: 'MaitreBooking',
      fileName: () => 'widget.js',
    },
  },
});
