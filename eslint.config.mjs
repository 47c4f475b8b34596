// ESLint flat config. Errors fail `npm test` (see package.json "lint").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['lib/', 'coverage/', 'artifacts/', 'node_modules/', 'data/', 'appPackage/build/', '.scratch/', 'devTools/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
      'no-console': 'error',
    },
  },
  {
    // The domain never reaches into the Teams layer, the HTTP server or Microsoft 365 directly.
    files: ['src/offboarding/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/teams/**', 'botbuilder*', '@microsoft/teams-ai', 'restify'], message: 'The domain must not depend on the Teams layer.' },
        ],
      }],
    },
  },
  {
    // The planner is pure: no I/O of any kind (effects are injected into the executor instead).
    files: ['src/offboarding/planner.ts', 'src/offboarding/planner/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['fs', 'node:*', 'http', 'https', 'net', 'child_process', '**/m365/**', '**/store/**', '**/teams/**', '**/simulator/**', 'botbuilder*', '@microsoft/*', '@azure/*', 'better-sqlite3', 'pino', 'restify'], message: 'The planner is pure: it imports no I/O.' },
        ],
      }],
    },
  },
  {
    // Scripts and tests may print; test files use mocha's globals and chai-less node:assert.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-console': 'off' },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
