// The reference's server-side renderer (src/modules/docs/render.mjs) with everything it imports — Redoc, React,
// react-dom/server, styled-components, mobx — in one file, dist/docs-ssr/redoc-ssr.mjs: a production install has no dev
// dependencies (the Dockerfile prunes them), and the renderer still runs there. Built by `npm run build`
// (scripts/build-web.mjs); Node built-ins stay imports.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  logLevel: 'warn',
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: here('../src/modules/docs/render.mjs'),
    outDir: here('../dist/docs-ssr'),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: false,
    rollupOptions: { output: { format: 'es', entryFileNames: 'redoc-ssr.mjs', codeSplitting: false } },
  },
});
