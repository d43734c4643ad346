// Lint rules, including the import direction between layers (docs/architecture.md):
// cli -> server -> run -> integrity -> (sync, rsync, tasks, store) -> tree -> rclone -> crypt; util is below all.
import tseslint from 'typescript-eslint';

const LAYERS = ['util', 'crypt', 'rclone', 'tree', 'sync', 'rsync', 'tasks', 'store', 'integrity', 'run', 'cli', 'server'];
/** what each layer may import from src/ (besides itself) */
const ALLOWED = {
  util: [],
  crypt: ['util'],
  rclone: ['util', 'crypt'],
  tree: ['util', 'crypt', 'rclone'],
  sync: ['util', 'crypt', 'rclone', 'tree'],
  rsync: ['util'],
  tasks: ['util', 'crypt', 'rclone', 'rsync'],
  store: ['util'],
  integrity: ['util', 'crypt', 'rclone', 'tree', 'sync'],
  run: ['util', 'crypt', 'rclone', 'tree', 'sync', 'rsync', 'tasks', 'store', 'integrity'],
  // cli may start the web server (`cryptsync serve`); the server never imports cli
  cli: ['util', 'crypt', 'rclone', 'tree', 'sync', 'rsync', 'tasks', 'store', 'integrity', 'run', 'server'],
  server: ['util', 'crypt', 'rclone', 'tree', 'sync', 'rsync', 'tasks', 'store', 'integrity', 'run'],
};

const layerRules = LAYERS.flatMap((layer) => {
  const forbidden = LAYERS.filter((l) => l !== layer && !ALLOWED[layer].includes(l));
  if (forbidden.length === 0) return [];
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: forbidden.flatMap((l) => [`../${l}/*`, `../../${l}/*`, `../${l}`, `../../${l}`]),
              message: `src/${layer} may only import from: ${ALLOWED[layer].join(', ') || 'nothing in src'} (see docs/architecture.md)`,
            },
          ],
        },
      ],
    },
  };
});

// One door (docs/architecture.md): a CLI command reaches an encrypted catalog only through the
// Engine, as the web server does; never the sync layer or the run layer's catalog internals.
// The layer rule of src/cli (if any) is kept: a later block replaces a rule's options whole.
const ONE_DOOR = {
  group: ['../../sync', '../../sync/*', '../../run/catalog*', '../../run/restore-guard*'],
  message: 'src/cli/commands reach encrypted catalogs through the Engine (src/run/engine.ts: encrypt, restore, verify, mapping, browse), never src/sync or run internals',
};
const cliLayerPatterns = layerRules.find((r) => r.files[0] === 'src/cli/**/*.ts')?.rules['no-restricted-imports'][1].patterns ?? [];
const oneDoorRule = {
  files: ['src/cli/commands/**/*.ts'],
  rules: { 'no-restricted-imports': ['error', { patterns: [...cliLayerPatterns, ONE_DOOR] }] },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**'] },
  ...tseslint.configs.recommended,
  // a promise nobody awaits loses its error (an unhandled rejection ends the process, or a
  // failed step goes unreported); a promise where a void callback is expected is never awaited.
  // Type-aware, so each file is checked against the tsconfig.json nearest to it (root or web/).
  {
    files: ['src/**/*.ts', 'web/src/**/*.ts', 'web/src/**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/server/**'],
    rules: { 'no-console': 'error' },
  },
  ...layerRules,
  oneDoorRule,
  {
    // the browser app talks to the server over HTTP only: type imports of the API are fine
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../../src/*', '../../../src/*', '../../src', '../../../src'], allowTypeImports: true, message: 'web/ talks to the server over HTTP only; import types from src/server with `import type`' }] },
      ],
    },
  },
);
