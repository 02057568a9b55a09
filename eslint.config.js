// Lint runs in `npm test`: typescript-eslint's recommended rules plus the architecture's import boundaries.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'coverage/**', '.tmp/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // Rule 1 of ARCHITECTURE.md: the core contracts import nothing but each other.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./[\\w.-]+$|node:)', message: 'src/core imports only from src/core and node: built-ins.' }] }],
    },
  },
  { files: ['bench/**/*.ts', 'test/**/*.mjs', 'src/main.ts'], rules: { 'no-console': 'off' } },
  {
    // The widget runs in visitors' browsers as a classic ES2020 script with no build step: browser globals only.
    files: ['channels/web/public/**/*.js'],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: 'script',
      globals: Object.fromEntries(
        ['window', 'document', 'navigator', 'location', 'fetch', 'URL', 'URLSearchParams', 'AbortController', 'CSSStyleSheet', 'RTCPeerConnection', 'MediaStream', 'addEventListener', 'setTimeout', 'clearTimeout']
          .map((name) => [name, 'readonly'])
          .concat([['process', 'off'], ['Buffer', 'off']]),
      ),
    },
  },
);
