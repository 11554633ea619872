import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import counter from './scripts/eslint-layering.js';

/**
 * Files linted with type information (typescript-eslint's type-checked rules for async money code): the whole
 * repository. Every file must be in a tsconfig that projectService finds from its folder upwards:
 * tsconfig.json for Node code, src-renderer/tsconfig.json (DOM, JSX; extends tsconfig.renderer.json) for the UI.
 */
const TYPE_CHECKED = [
  'src-core/**/*.ts',
  'src-shared/**/*.ts',
  'src-main/**/*.ts',
  'src-renderer/**/*.ts',
  'src-renderer/**/*.tsx',
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
