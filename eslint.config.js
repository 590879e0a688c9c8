// ESLint for the whole project: TypeScript (typescript-eslint) and Vue single-file components
// (eslint-plugin-vue). `npm run lint` runs it with --max-warnings 0 as part of `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['out/**', 'lib/**', 'dist/**', 'src/engine/model/fused/gemm-wasm.ts', 'wasm/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.runs/**', 'dist/**', 'bench/*.py'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/essential'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Playwright fixtures take an object pattern even when they use no other fixture.
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    // Tests feed deliberately malformed data (raw frames, broken bundles) where a type would be a lie.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
