import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import counter from './scripts/eslint-layering.js';

/**
 * Files linted with type information (typescript-eslint's type-checked rules for async money code). The
 * host and app folders get them when they merge: add each folder's glob to this list (the same form as the
 * lines below, e.g. src-main/host, src-main/store, src-renderer with .tsx; every file must be in a tsconfig
 * that projectService finds: tsconfig.json today, src-renderer needs its own) and fix the findings.
 */
const TYPE_CHECKED = [
  'src-core/**/*.ts',
  'src-shared/**/*.ts',
  'src-main/zvt/**/*.ts',
  'scripts/**/*.ts',
  'test/**/*.ts',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', '.counter/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { counter },
    rules: {
      'counter/layering': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: TYPE_CHECKED,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
