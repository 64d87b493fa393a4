/**
 * Lint: typescript-eslint's recommended rules, react-hooks for the renderer, and the
 * process boundaries as import rules, so that nobody has to remember them:
 * - only the Electron shell (src/main/index.ts, src/main/platform, src/preload) imports electron;
 * - src/shared is pure TypeScript: no electron, Node, React, or main/renderer code;
 * - the renderer imports no electron, Node, main, server or CLI code;
 * - the sandboxed preload imports no Node built-ins and no main code (it could not load them).
 */
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

const nodeBuiltins = [...new Set(builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.replace(/^node:/, '')))]

const electronOnlyInShell = {
  name: 'electron',
  message: 'Only the Electron shell (src/main/index.ts, src/main/platform, src/preload) may import electron.'
}
const noNodeBuiltins = (where, why) => [
  ...nodeBuiltins.map((name) => ({ name, message: `${where} ${why}` })),
  ...nodeBuiltins.map((name) => ({ name: `node:${name}`, message: `${where} ${why}` }))
]
const layer = (group, message) => ({ group, message })

/** Forbid electron through require() and import() too, which no-restricted-imports does not see. */
const noDynamicElectron = [
  'error',
  {
    selector: "ImportExpression[source.value='electron']",
    message: electronOnlyInShell.message
  },
  {
    selector: "CallExpression[callee.name='require'][arguments.0.value='electron']",
    message: electronOnlyInShell.message
  }
]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'bench/tmp/**', 'test-results/**', 'playwright-report/**', '.vite/**', '.tmp-*'] },

  js.configs.recommended,
  ...tseslint.configs.recommended,

  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }
      ],
      'no-restricted-imports': ['error', { paths: [electronOnlyInShell] }],
      'no-restricted-syntax': noDynamicElectron
    }
  },

  // The Electron shell: the only code that touches electron.
  {
    files: ['src/main/index.ts', 'src/main/platform/**'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' }
  },

  // The sandboxed preload: electron yes; Node built-ins and main-process code no.
  {
    files: ['src/preload/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-syntax': 'off',
      'no-restricted-imports': [
        'error',
        {
          paths: noNodeBuiltins('The sandboxed preload', 'can require only electron: it cannot load Node built-ins.'),
          patterns: [layer(['**/main/**', '**/server/**', '**/cli/**', '**/renderer/**'], 'The preload may import only src/shared and its own files.')]
        }
      ]
    }
  },

  // Shared: pure TypeScript that every process can load.
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            electronOnlyInShell,
            ...noNodeBuiltins('src/shared', 'is pure TypeScript: no Node built-ins.'),
            { name: 'react', message: 'src/shared is pure TypeScript: no React.' },
            { name: 'react-dom', message: 'src/shared is pure TypeScript: no React.' }
          ],
          patterns: [
            layer(['react/*', 'react-dom/*', '@mantine/*', 'zustand', 'zustand/*'], 'src/shared is pure TypeScript: no UI libraries.'),
            layer(['**/main', '**/main/**', '**/renderer', '**/renderer/**', '**/server/**', '**/cli/**', '**/preload/**'], 'src/shared may not import from the processes that use it.')
          ]
        }
      ]
    }
  },

  // contract.ts checks profile names for control characters on purpose.
  { files: ['src/shared/contract.ts'], rules: { 'no-control-regex': 'off' } },

  // The renderer: a web page. It reaches main only through the contract.
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell, ...noNodeBuiltins('The renderer', 'is a web page: no Node built-ins.')],
          patterns: [
            layer(['**/main', '**/main/**', '**/server/**', '**/cli/**'], 'The renderer talks to main only through the contract (src/shared) and window.engram / the bridge.')
          ]
        }
      ]
    }
  },

  // Plain JavaScript files (scripts, workers, bin): no TypeScript-only rules that need types.
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  }
)
