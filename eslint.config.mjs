// Lint is part of `npm test`. Besides the usual type-aware rules it enforces the house's determinism rule:
// workflow and machine code may import only @temporalio/workflow, xstate, zod, each other, and activities as types.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.temporal/',
      '.data/',
      '.scratch/',
      'coverage/',
      'bench/results/',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { import: importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js', '.json'] } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import/no-cycle': ['error', { ignoreExternal: true }],
      'no-console': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts', 'machines/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'Workflow and machine code must stay deterministic: no Node built-ins.',
            })),
            {
              name: 'pino',
              message: "Workflow code logs through the SDK's replay-aware `log` from @temporalio/workflow.",
            },
          ],
          patterns: [
            {
              group: [
                '**/activities',
                '**/activities/**',
                '**/worker',
                '**/worker/**',
                '**/client',
                '**/client/**',
                '**/platform',
                '**/platform/**',
              ],
              allowTypeImports: true,
              message: 'Import activities, worker and client code as types only (`import type`).',
            },
            { group: ['pino', 'pino/**'], message: 'No pino in workflow or machine code.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Configuration reaches workflows as input, never through process.env.',
        },
      ],
    },
  },
  {
    files: ['machines/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Machines have no clock: use the time the event carries (`at`).',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Machines have no clock: use the time the event carries (`at`).',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Machines are deterministic: no randomness.',
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Machines are pure: no Node built-ins.' })),
            { name: '@temporalio/workflow', message: 'Machines are pure: no Temporal.' },
            { name: 'pino', message: 'Machines do no I/O.' },
          ],
          patterns: [
            {
              group: [
                '**/activities',
                '**/activities/**',
                '**/worker',
                '**/worker/**',
                '**/client',
                '**/client/**',
                '**/platform',
                '**/platform/**',
                '**/workflows',
                '**/workflows/**',
              ],
              allowTypeImports: true,
              message: 'Machines import nothing but xstate, zod and each other.',
            },
            { group: ['@temporalio/*'], message: 'Machines are pure: no Temporal.' },
          ],
        },
      ],
    },
  },
  {
    // The gateway is a door onto the SDK: it never talks to Temporal itself. Fastify's handlers and plugins are
    // async by contract, whether or not they await.
    files: ['gateway/**/*.ts'],
    rules: {
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@temporalio/*'],
              message: 'The gateway is built on the SDK (client/), never on Temporal directly.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
