// The commands: for each, the module that carries it and what it is handed from the command line.
import { StudioError } from '../ipc/errors';
import type { CliIo } from './cli-io';
import type { Invocation } from './command-words';
import { wholeNumber } from './numbers';
import { CONTAINER_ACTIONS, type ContainerAction } from '../containers/container-action-names';

// Each command's module is loaded when it is the one asked for: the whole app behind every verb
// (the engines, the catalog, inspection, migration, images, browser mode) would cost --help and ps
// hundreds of milliseconds before they do anything (issue 17). The bundle turns each import() into
// a call of the module's code already in it, so the CLI's V8 code cache has no loader to miss.
const load = {
  checkpoints: () => import('./commands/checkpoints.js'),
  containers: () => import('./commands/containers.js'),
  doctor: () => import('./commands/doctor.js'),
  engines: () => import('./commands/engines.js'),
  images: () => import('./commands/images.js'),
  inspect: () => import('./commands/inspect.js'),
  library: () => import('./commands/library.js'),
  migrate: () => import('./commands/migrate.js'),
  portable: () => import('./commands/portable.js'),
  ps: () => import('./commands/ps.js'),
  schedules: () => import('./commands/schedules.js'),
  serve: () => import('./commands/serve.js'),
};

interface Verb {
  /** False for the commands that take options only. */
  takesWords: boolean;
  run(io: CliIo, a: Invocation): Promise<number>;
}

function verb<M>(
  module: () => Promise<M>,
  run: (m: M, io: CliIo, a: Invocation) => Promise<number>,
  takesWords = true,
): Verb {
  return { takesWords, run: async (io, a) => run(await module(), io, a) };
}

const OPTIONS_ONLY = false;

const containerAction = (action: ContainerAction) =>
  verb(load.containers, (m, io, a) =>
    m.containerActionCommand(io, { ...a.common, action, containers: a.words }),
  );

function servePort(value: string | undefined): number {
  const port = wholeNumber('--port', value) ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StudioError(
      'invalid-argument',
      `--port must be 0–65535 (0 picks a free one), not "${String(value)}"`,
    );
  }
  return port;
}

/** In the order of the help text; a mistyped command is matched to the first nearest. */
const VERBS: Record<string, Verb> = {
  doctor: verb(load.doctor, (m, io, a) => m.doctorCommand(io, a.options('remeasure', 'clean')), OPTIONS_ONLY),
  ps: verb(load.ps, (m, io, a) => m.psCommand(io, a.options('all')), OPTIONS_ONLY),
  ...Object.fromEntries(CONTAINER_ACTIONS.map((action) => [action, containerAction(action)])),
  clones: verb(load.containers, (m, io, a) =>
    m.clonesCommand(io, { ...a.onContainer(), remove: a.options('rm').rm }),
  ),
  serve: verb(
    load.serve,
    (m, io, a) => {
      const port = servePort(a.options('port').port);
      return m.serveCommand(io, { ...a.options('verbose'), port, engines: a.engines });
    },
    OPTIONS_ONLY,
  ),
  checkpoint: verb(load.checkpoints, (m, io, a) =>
    m.checkpointCommand(io, a.onContainer('name', 'leave-running', 'tcp-established', 'file-locks', 'note')),
  ),
  checkpoints: verb(load.checkpoints, (m, io, a) => {
    if (a.words.length > 1)
      throw new StudioError('invalid-argument', 'checkpoints takes at most one container');
    return m.checkpointsCommand(io, { ...a.common, container: a.words[0] });
  }),
  restore: verb(load.checkpoints, (m, io, a) => m.restoreCommand(io, a.onContainer('checkpoint', 'force'))),
  clone: verb(load.checkpoints, (m, io, a) =>
    m.cloneCommand(io, a.onContainer('checkpoint', 'count', 'prefix', 'ports', 'plan')),
  ),
  rm: verb(load.checkpoints, (m, io, a) => m.rmCommand(io, a.onContainer('checkpoint'))),
  inspect: verb(load.inspect, (m, io, a) => {
    const [source] = a.exactly(1, 'inspect takes one source: a folder, an archive or container:checkpoint');
    return m.inspectCommand(io, { ...a.common, source: source! });
  }),
  diff: verb(load.inspect, (m, io, a) => {
    const [first, second] = a.exactly(2, 'diff takes two sources');
    return m.diffCommand(io, { ...a.common, a: first!, b: second! });
  }),
  memsearch: verb(load.inspect, (m, io, a) => {
    const [source, pattern] = a.exactly(2, 'memsearch takes a source and a pattern');
    return m.memsearchCommand(io, {
      ...a.options('regex', 'pid', 'max-hits'),
      source: source!,
      pattern: pattern!,
    });
  }),
  migrate: verb(load.migrate, (m, io, a) => m.migrateCommand(io, a.onContainer('to', 'keep-source'))),
  export: verb(load.portable, (m, io, a) =>
    m.exportCommand(io, a.onContainer('checkpoint', 'output', 'compress')),
  ),
  import: verb(load.portable, (m, io, a) => {
    const [file] = a.exactly(1, 'import takes one archive file');
    return m.importCommand(io, { ...a.options('name', 'count'), file: file! });
  }),
  image: verb(load.images, (m, io, a) =>
    m.imageCommand(io, { ...a.options('checkpoint', 'name', 'count', 'to'), args: a.words }),
  ),
  library: verb(load.library, (m, io, a) => m.libraryCommand(io, a.common), OPTIONS_ONLY),
  engines: verb(load.engines, (m, io, a) =>
    m.enginesCommand(io, { ...a.options('tls', 'identity', 'host-key'), args: a.words }),
  ),
  schedule: verb(load.schedules, (m, io, a) =>
    m.scheduleCommand(
      io,
      a.onContainer('every', 'keep', 'hourly', 'daily', 'budget', 'max-failures', 'pause', 'resume'),
    ),
  ),
  schedules: verb(load.schedules, (m, io, a) => m.schedulesCommand(io, a.common), OPTIONS_ONLY),
  unschedule: verb(load.schedules, (m, io, a) => m.unscheduleCommand(io, a.onContainer())),
};

export const COMMANDS: readonly string[] = Object.keys(VERBS);

export function isCommand(word: string): boolean {
  return Object.hasOwn(VERBS, word);
}

/** Runs a known command: its module is loaded here, and only here. */
export async function runCommand(io: CliIo, a: Invocation): Promise<number> {
  const v = VERBS[a.command]!;
  if (!v.takesWords && a.words.length)
    throw new StudioError('invalid-argument', `${a.command} takes no arguments (got "${a.words.join(' ')}")`);
  return v.run(io, a);
}
