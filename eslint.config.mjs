import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'child_process', 'os', 'crypto', 'http', 'https', 'net'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      'examples/',
      'bench/.tmp/',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      // Workflow code runs in Temporal's deterministic sandbox: no I/O, no Node built-ins, no SDKs with I/O.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins,
            ...nodeBuiltins.map((m) => `node:${m}`),
            '@prisma/client',
            '@anthropic-ai/sdk',
          ],
          patterns: ['../activities/*', '../../activities/*', '../lib/db/*', '../cli/*'],
        },
      ],
    },
  },
  {
    // Git outside the sandbox runs only through activities/git/safe.ts (hooks off, no repository-named
    // programs, no secrets): issue #25. services/secrets-files.ts is converted with the sandbox work.
    files: [
      'activities/**/*.ts',
      'services/**/*.ts',
      'worker/**/*.ts',
      'lib/**/*.ts',
      'cli/**/*.ts',
      'mcp/**/*.ts',
    ],
    ignores: ['activities/git/safe.ts', 'services/secrets-files.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[arguments.0.type='Literal'][arguments.0.value='git']",
          message:
            'Run git through activities/git/safe.ts (runGit/git/gitSync): hooks off, no repository-named programs, no secrets.',
        },
        {
          selector:
            "CallExpression[arguments.0.type='TemplateLiteral'][arguments.0.quasis.0.value.raw=/^git( |$)/]",
          message:
            'Run git through activities/git/safe.ts (runGit/git/gitSync): hooks off, no repository-named programs, no secrets.',
        },
      ],
    },
  },
  {
    // Files here may be what the model left (symlinks, FIFOs): read and write them through activities/safe-fs.ts.
    files: [
      'activities/git/**/*.ts',
      'lib/features/**/*.ts',
      'activities/features/**/*.ts',
      'activities/quality/gate.ts',
      'activities/evidence/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises'].map((name) => ({
            name,
            importNames: [
              'readFileSync',
              'writeFileSync',
              'appendFileSync',
              'readFile',
              'writeFile',
              'appendFile',
              'openSync',
              'open',
              'createReadStream',
              'createWriteStream',
              'copyFileSync',
              'cpSync',
            ],
            message:
              'Files the model could have replaced: use readRegularFile/writeRegularFile from activities/safe-fs.ts.',
          })),
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
);
