/**
 * Builds the renderer as a plain web app (out/web) for browser mode (`npm run serve`) and the e2e tests.
 * Electron builds the same renderer through electron.vite.config.ts.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./src/renderer'),
  base: './',
  plugins: [vue()],
  build: {
    outDir: here('./out/web'),
    emptyOutDir: true,
    // echarts + primevue + zod make one large chunk; that is fine for a local app.
    chunkSizeWarningLimit: 4000,
    // No inline scripts or data: module previews: the CSP forbids them.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
