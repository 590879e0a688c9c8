/**
 * Electron build (`npm run build` → out/): main process + the training and engine-worker utility-process
 * entries (all ESM: out/main/index.js, out/main/training-process.js, out/main/engine-worker.js), the
 * sandboxed preload as CommonJS (out/preload/index.cjs: sandboxed preloads cannot be ES modules), and the
 * Vue renderer (out/renderer).
 * Browser mode builds the same renderer with vite.web.config.ts.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: here('./out/main'),
      rollupOptions: {
        input: {
          index: here('./src/main/index.ts'),
          'training-process': here('./src/training-process/entry.ts'),
          'engine-worker': here('./src/training-process/engine-entry.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: here('./out/preload'),
      rollupOptions: {
        input: { index: here('./src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: here('./src/renderer'),
    base: './',
    plugins: [vue()],
    build: {
      outDir: here('./out/renderer'),
      chunkSizeWarningLimit: 4000,
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
      rollupOptions: { input: { index: here('./src/renderer/index.html') } },
    },
  },
});
