import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// ---- Layers (ARCHITECTURE.md, "Layers") ------------------------------------------------------
// Each rule is a regular expression over an import's specifier, with a message saying what to do
// instead. Static imports and `export … from` (type-only ones too) are checked by
// no-restricted-imports, dynamic import() by no-restricted-syntax. A file gets one option list
// per rule (flat config replaces, it does not merge), so every block below carries the whole list
// that applies to its files; the blocks' file sets do not overlap, except the per-file exceptions
// at the end, which come later and so win.

// An import that climbs up to one of electron/'s top-level folders (imports are relative: there
// are no path aliases).
const up = String.raw`^(?:\.\./)+(?:electron/)?`;
const folders = (...names) => `${up}(?:${names.join('|')})(?:/|\\.js$|$)`;

const electronPackage = {
  regex: String.raw`^electron(?:/|$)`,
  message:
    'Only electron/main.ts, preload.ts and window-options.ts use Electron; the services also run under ' +
    'plain Node (CLI, browser mode). Take what you need as a parameter, handed in from main.ts.',
};

const rendererToMain = {
  // The renderer's whole view of the main process: electron/ipc (the contract's schemas, names and
  // errors, the preload bridge's types) and electron/shared. The dispatcher and the event bus are
  // the main process's side of the bridge, and the rest of electron/ runs in Node.
  regex: String.raw`^(?:\.\./)+electron/(?!shared/|ipc/(?!(?:dispatcher|event-bus)(?:\.js)?$))`,
  message:
    'The renderer reaches the main process only through the contract: import from electron/ipc (not its ' +
    'dispatcher or event bus) or electron/shared, and call the service through the api client ' +
    '(renderer/src/api/client.ts).',
};

// Every folder of electron/ above the engines (and the entry files), for the rules that keep a
// lower layer from importing upward.
const ABOVE_ENGINES = [
  'app',
  'capabilities',
  'checkpoints',
  'cli',
  'containers',
  'criu',
  'doctor',
  'host',
  'migrate',
  'portable',
  'rootfs',
  'schedules',
  'main',
  'preload',
  'window-options',
];

const leafLayers = {
  // ipc and shared are what everyone imports (the renderer too): they import nothing else of the app.
  regex: folders(...ABOVE_ENGINES, 'catalog', 'engines'),
  message:
    'electron/ipc and electron/shared are the bottom layer (the renderer imports them): they import ' +
    'nothing else of the app. Move what you need down into them, or leave it where it is used.',
};

const enginesToCatalog = {
  regex: folders('catalog'),
  message:
    'Engines know nothing of the catalog: return what the engine says and let the service above ' +
    '(checkpoints, clones, migrate, schedules) record it.',
};

const enginesUpward = {
  regex: folders(...ABOVE_ENGINES),
  message:
    'Engines are the layer under the services: they import only electron/ipc and electron/shared. Pass ' +
    'what you need in from the service that calls the engine.',
};

const servicesFromFrontEnds = (...beside) => ({
  // A front end (CLI, browser host) builds the app with app/services and calls it through its
  // dispatcher, as the window does; app/paths says where the app keeps its files.
  regex: `${up}(?:app/(?!services(?:\\.js)?$|paths(?:\\.js)?$)|(?:${[
    'capabilities',
    'catalog',
    'checkpoints',
    'containers',
    'criu',
    'doctor',
    'engines',
    'migrate',
    'portable',
    'rootfs',
    'schedules',
    ...beside,
  ].join('|')})(?:/|\\.js$|$))`,
  message:
    'The CLI and the browser host reach the services only through the dispatcher: build the app with ' +
    'app/services and call services.dispatcher.dispatch(name, args); take types from electron/ipc/contract. ' +
    'If a call is missing, add it to the contract and app/handlers.ts.',
});
const frontEndServices = servicesFromFrontEnds('main', 'preload', 'window-options');
const hostServices = servicesFromFrontEnds('cli', 'main', 'preload', 'window-options');

/** A rule, without the imports an exception lets through (a lookahead over the specifier). */
const allowing = (rule, ...specifiers) => ({
  ...rule,
  regex: `^(?!(?:${specifiers.map((s) => s.replace(/[.]/g, '\\.')).join('|')})(?:\\.js)?$)${rule.regex.replace(/^\^/, '')}`,
});

/** One config block for files, with those rules for static and dynamic imports. */
function layer(files, rules, extra = {}) {
  return {
    files,
    ...extra,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: rules.map(({ regex, message }) => ({ regex, message, caseSensitive: true })) },
      ],
      'no-restricted-syntax': [
        'error',
        ...rules.map(({ regex, message }) => ({
          selector: `ImportExpression[source.value=/${regex.replace(/\//g, '\\/')}/]`,
          message,
        })),
      ],
    },
  };
}

const app = ['electron/**/*.ts', 'renderer/**/*.{ts,tsx}'];
const electronFiles = ['electron/main.ts', 'electron/preload.ts', 'electron/window-options.ts'];
const layers = [
  layer(app, [electronPackage], { ignores: electronFiles }),
  layer(['renderer/**/*.{ts,tsx}'], [electronPackage, rendererToMain]),
  layer(['electron/ipc/**/*.ts', 'electron/shared/**/*.ts'], [electronPackage, leafLayers]),
  layer(['electron/engines/**/*.ts'], [electronPackage, enginesToCatalog, enginesUpward]),
  layer(['electron/cli/**/*.ts'], [electronPackage, frontEndServices]),
  layer(['electron/host/**/*.ts'], [electronPackage, hostServices]),

  // Exceptions, each for one file and named imports; the ideal is above.
  // The command line's words, read before any command is loaded: the container actions' names live
  // beside the actions (names only, no engine code), and importing the contract instead would load
  // zod on every start-up (issue 17). Ideal: the names move to electron/ipc, as contract-names did.
  layer(
    ['electron/cli/verbs.ts', 'electron/cli/commands/containers.ts'],
    [
      electronPackage,
      allowing(
        frontEndServices,
        '../containers/container-action-names',
        '../../containers/container-action-names',
      ),
    ],
  ),
  // --engine is parsed into the EngineSpec that app/services is built with, before there is a
  // dispatcher to ask; the engine names it accepts are the saved ones.
  layer(
    ['electron/cli/engine-args.ts'],
    [electronPackage, allowing(frontEndServices, '../engines/engine-spec', '../engines/engine-settings')],
  ),
  // engines rename/rm find the saved engine by name or id in the settings file (existing; the
  // dispatcher's engines.list could probably answer it instead).
  layer(
    ['electron/cli/commands/engines.ts'],
    [electronPackage, allowing(frontEndServices, '../../engines/engine-settings')],
  ),
  // inspect/diff/memsearch read a checkpoint folder or archive on disk with no engine and no app;
  // a checkpoint on an engine is resolved through the services (existing; no contract call takes a
  // path on the CLI's own disk).
  layer(
    ['electron/cli/commands/inspect.ts'],
    [
      electronPackage,
      allowing(
        frontEndServices,
        '../../criu/diff',
        '../../criu/inspect',
        '../../criu/memsearch',
        '../../criu/sources',
      ),
    ],
  ),
  // An integration test that drives remote engines through the whole app, as a user would.
  layer(
    ['electron/engines/remote/remote-engines.int.test.ts'],
    [electronPackage, enginesToCatalog, allowing(enginesUpward, '../../app/services')],
  ),
];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['bin/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...layers,
);
