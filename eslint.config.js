// ESLint: recommended and type-checked TypeScript rules, Astro's rules for .astro files, functions of
// at most 120 lines, and the layer direction of the README's architecture
// (eslint-plugin-boundaries): an import against it fails the lint.
import js from '@eslint/js';
import astro from 'eslint-plugin-astro';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Who may import whom: http → session → terminal, check, lab → sandbox; shared and content at
 * the bottom; the browser code (src/) reaches the server only through shared/ and content/.
 * server/startup/, the composition root (server/main.ts only loads it), may import every server layer.
 */
function layerPolicies() {
  const below = {
    main: [
      'config',
      'http',
      'session',
      'terminal',
      'check',
      'lab',
      'workspace',
      'sandbox',
      'progress',
      'images',
      'site',
      'base',
      'content',
      'shared',
    ],
    http: ['session', 'terminal', 'check', 'lab', 'workspace', 'sandbox', 'progress', 'base', 'shared'],
    session: ['terminal', 'check', 'lab', 'workspace', 'sandbox', 'progress', 'base', 'shared'],
    terminal: ['sandbox', 'base', 'shared'],
    check: ['sandbox', 'base', 'shared'],
    lab: ['sandbox', 'base', 'shared'],
    workspace: ['sandbox', 'base', 'shared'],
    sandbox: ['base', 'shared'],
    progress: ['base', 'shared'],
    images: ['sandbox', 'base', 'shared'],
    site: ['base', 'shared'],
    base: ['shared'],
    // The configuration's defaults are computed from the sandbox's memory arithmetic.
    config: ['sandbox', 'base', 'shared'],
    content: ['shared'],
    shared: [],
    browser: ['content', 'shared'],
  };
  return Object.entries(below).map(([from, allowed]) => ({
    from: { element: { type: from } },
    allow: { to: { element: { types: { anyOf: [from, ...allowed] } } } },
  }));
}

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      '.astro/',
      '.cache/',
      'data/',
      'test-results/',
      'playwright-report/',
      'public/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // A function a reader holds in their head: past 120 lines it is split along its concerns.
    files: ['server/**/*.ts', 'src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Fastify plugins and hooks are async by contract (they return a promise); many have nothing to await.
    files: ['server/http/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    files: ['server/**/*.ts', 'src/**/*.ts', 'src/**/*.astro', 'shared/**/*.ts', 'content/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/include': ['server/**/*', 'src/**/*', 'shared/**/*', 'content/**/*'],
      'boundaries/ignore': ['**/*.test.ts'],
      'boundaries/elements': [
        { type: 'main', pattern: 'server/startup' },
        { type: 'http', pattern: 'server/http' },
        { type: 'session', pattern: 'server/session' },
        { type: 'terminal', pattern: 'server/terminal' },
        { type: 'check', pattern: 'server/check' },
        { type: 'lab', pattern: 'server/lab' },
        { type: 'workspace', pattern: 'server/workspace' },
        { type: 'sandbox', pattern: 'server/sandbox' },
        { type: 'progress', pattern: 'server/progress' },
        { type: 'images', pattern: 'server/images' },
        { type: 'site', pattern: 'server/site' },
        { type: 'base', pattern: ['server/log', 'server/metrics'] },
        { type: 'config', pattern: 'server/config' },
        { type: 'content', pattern: 'content' },
        { type: 'shared', pattern: 'shared' },
        { type: 'browser', pattern: 'src' },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        2,
        {
          default: 'disallow',
          policies: layerPolicies(),
        },
      ],
    },
  },
  ...astro.configs.recommended,
  {
    files: ['**/*.astro', '**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
