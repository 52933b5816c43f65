// The admin dashboard: built into <repo>/dist/dashboard and served by the server at /dashboard/ (src/modules/dashboard).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/dashboard/',
  publicDir: here('public'),
  plugins: [react()],
  // `npx vite web` serves the dashboard with hot reload; the API comes from `npm run dev` on port 3000.
  server: { proxy: { '/admin/api': 'http://127.0.0.1:3000', '/v1': 'http://127.0.0.1:3000' } },
  build: {
    outDir: here('../dist/dashboard'),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    // No inline assets: the dashboard's Content-Security-Policy allows only files from the server itself.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
  },
});
