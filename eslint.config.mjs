import tseslint from 'typescript-eslint';

const crossLibPattern = {
  group: ['../../libs/*', '../../../libs/*', '**/libs/*/src/*'],
  message: 'Import another lib through its @hub/<lib> alias (its index.ts), never its internals.',
};

// ARCHITECTURE.md's layering: a lib may import only the libs listed here (madge separately refuses any cycle).
const allowedLibImports = {
  // Wire shapes and vocabularies shared with the browser console: imports nothing, so the console can bundle it.
  contracts: [],
  core: ['contracts'],
  db: ['contracts', 'core'],
  storage: ['contracts', 'core'],
  audit: ['contracts', 'core', 'db'],
  auth: ['contracts', 'core', 'db', 'audit'],
  consortium: ['contracts', 'core', 'db', 'audit', 'auth'],
  patients: ['contracts', 'core', 'db', 'audit', 'auth', 'consortium'],
  studies: ['contracts', 'core', 'db', 'storage', 'audit', 'auth', 'consortium', 'patients'],
  reading: ['contracts', 'core', 'db', 'storage', 'audit', 'auth', 'consortium', 'patients', 'studies'],
  recognition: ['contracts', 'core', 'db', 'audit', 'auth', 'consortium', 'patients', 'studies', 'reading'],
  consultation: ['contracts', 'core', 'db', 'audit', 'auth', 'consortium', 'patients', 'studies', 'reading'],
  dimse: ['contracts', 'core', 'db', 'audit', 'auth', 'consortium', 'studies', 'reading'],
  // Read-only aggregates over the other libs' tables (SQL only): it imports none of the domain libs.
  stats: ['contracts', 'core', 'db', 'audit'],
  // Backup and restore of the index and the objects (npm run backup / restore); checks a restore as the scrub does.
  backup: ['contracts', 'core', 'db', 'storage', 'audit', 'studies'],
};
const allLibs = Object.keys(allowedLibImports);

const layering = Object.entries(allowedLibImports).map(([lib, allowed]) => ({
  files: ['contracts', `libs/${lib}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          crossLibPattern,
          ...allLibs
            .filter((other) => other !== lib && !allowed.includes(other))
            .map((other) => ({
              group: [`@hub/${other}`],
              message: `libs/${lib} may not depend on libs/${other} (see the layering in ARCHITECTURE.md).`,
            })),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '**/dist/**',
      'test-output/**',
      'dist-bench/**',
      '.tmp/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      '*.mjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [crossLibPattern] }],
    },
  },
  ...layering,
  {
    // The browser console talks to the hub over HTTP only: server code must not leak into the bundle.
    files: ['apps/web/**/*.ts', 'apps/web/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@hub/*', '!@hub/contracts', '**/libs/*'],
              message: 'The console uses the hub through its API only (and the wire shapes of @hub/contracts).',
            },
          ],
        },
      ],
    },
  },
);
