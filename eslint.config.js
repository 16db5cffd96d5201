// Lint, above all, keeps dependencies pointing one way: app → workers → engine.
// - engine/: no React, no DOM libraries, nothing from app/ or workers/ (it runs in a worker,
//   in Node and in the browser alike). Its tsconfig has no DOM lib either.
// - app/: from the engine only the pure modules (graph, the project contract in engine/project,
//   templates, code generators, built-in data, errors); tensors, backends and training only through workers/client.ts.
// - workers/: the engine, never the app.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const appEngineAllowed = [
  'graph/', // the graph format, layer catalog and shape analysis
  'project/', // the project contract: training config, data pipeline description, project file
  'templates/',
  'io/codegen/',
  'data/(builtin2d|builtin|augment|drawing)\\.ts$', // generated datasets and pure previews
  'core/(errors|rng)\\.ts$',
];
// Any import path reaching into engine/ other than through the allowed pure modules.
const appEngineForbidden = `(^|/)engine(/(?!(${appEngineAllowed.join('|')}))|$)`;

export default tseslint.config(
  { ignores: ['**/.*tmp*', '**/dist/**', 'dist-*/**', 'dev-dist/**', 'bench/results/**', 'node_modules/**', '.venv-py/**', 'test-results/**', 'playwright-report/**', 'public/**', 'engine/io/onnx/proto/*_pb.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['engine/**/*.ts'],
    ignores: ['engine/**/*.test.ts', 'engine/cli/**', 'engine/test/**'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['react', 'react-dom', 'react/*', '@xyflow/*', 'zustand', 'zustand/*', 'idb', 'uplot', 'comlink'], message: 'engine/ is pure TypeScript: no UI or worker libraries.' },
          { group: ['**/app/**', '**/app', '**/workers/**', '**/workers'], message: 'engine/ must not import from app/ or workers/ (dependencies point app → workers → engine).' },
          { group: ['node:*', 'fs', 'path', 'os', 'worker_threads'], message: 'engine/ runs in browsers too: no Node built-ins (use engine/cli for Node-only code).' },
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'sessionStorage', 'indexedDB', 'HTMLElement', 'HTMLCanvasElement'],
    },
  },
  {
    files: ['workers/**/*.ts'],
    ignores: ['workers/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/app/**', '**/app', 'react', 'react-dom', '@xyflow/*', 'zustand'], message: 'workers/ must not import the app (dependencies point app → workers → engine).' }],
      }],
    },
  },
  {
    files: ['app/**/*.ts', 'app/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': ['error', {
        patterns: [
          {
            regex: appEngineForbidden,
            message: 'app/ may import only the pure engine modules (graph, project files, built-in data, configs, errors); tensors, backends and training go through workers/client.ts.',
          },
          { group: ['**/workers/engine.worker*', '**/workers/host/**'], message: 'app/ talks to the worker only through workers/client.ts.' },
        ],
      }],
    },
  },
  {
    files: ['e2e/**/*.ts', 'scripts/**/*.mjs', 'scripts/**/*.ts', '*.config.ts', '*.config.js', 'bench/**/*', 'engine/cli/**/*.ts', '**/*.test.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
