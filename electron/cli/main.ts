// checkpoint-studio: the command line, sharing the app's services and contract.
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../app/paths';
import { StudioError } from '../ipc/errors';
import { wholeNumber } from './numbers';
import { processIo, reportError, type CliIo } from './cli-io';
import { traceStartup } from './startup-trace';
import { CONTAINER_ACTIONS, type ContainerAction } from '../containers/container-action-names';

// Each command's module is loaded when it is the one asked for: the whole app behind every verb
// (the engines, the catalog, inspection, migration, images, browser mode) would cost --help and ps
// hundreds of milliseconds before they do anything (issue 17).
const commands = {
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

const USAGE = `usage: checkpoint-studio <command> [options]

commands:
  doctor [--json] [--remeasure] [--clean]
                               check CRIU, the kernel and the engine, with what the engine was
                               measured to do (--remeasure: measure it again; --clean: remove the
                               checkpoint copies containerd left in /tmp); exit 1 if something blocks
  ps [--all] [--json]          list containers
  start|stop|restart|kill|pause|unpause|remove <container>...
                               each container on its own; remove is forced and keeps volumes
                               (a Docker container's checkpoints go with it); exit 1 if any failed
  clones <container> [--rm]    the clones made of it (from which checkpoint, state, ports); --rm removes them
  serve [--port N]             start browser mode on 127.0.0.1 and print its URL

  checkpoint <container> [--name NAME] [--leave-running] [--note TEXT] [--tcp-established] [--file-locks]
  checkpoints [<container>]
  restore <container> [--checkpoint NAME] [--force]      newest when no name; --force replaces a running one
  clone <container> --checkpoint NAME --count N [--prefix PREFIX] [--ports auto|none|FROM-TO] [--plan]
                               (--plan: only the names, the problems and what each clone takes along)
  rm <container> --checkpoint NAME

  inspect <folder|archive|container:checkpoint>           processes, memory, files, sockets, timings
  diff <A> <B>                                            what changed between two checkpoints
  memsearch <source> <pattern> [--regex] [--pid P] [--max-hits N]

  migrate <container> --to ENGINE [--keep-source]        move it to another engine; it goes on where it was
  export <container> --checkpoint NAME --output FILE [--compress zstd|gzip|none]
                               one archive, in the layout Podman and checkpointctl read
  import FILE [--name NAME] [--count N]                  new containers from an archive, restored where it was
  image ls                                                checkpoint images on the engine (the app's and Podman's)
  image create <container> --checkpoint NAME --name IMAGE a checkpoint kept as an OCI image
  image restore IMAGE [--name NAME] [--count N]           new containers from a checkpoint image
  image push IMAGE --to IMAGE | image pull IMAGE | image rm IMAGE
                               through the engine's own registry settings (loopback registries: plain HTTP)
  library                                                 every checkpoint the app knows, of every engine and container
                               (KEPT: engine, archive = the container is gone but the app kept it, gone)
  engines [ls]                                            the engines the app connects to, with their health
  engines add NAME ADDRESS [--tls DIR]                    unix:///path, tcp://host:2376 (with --tls), ssh://user@host
        [--identity FILE] [--host-key SHA256:…]           ssh: the key to log in with; the host key you expect
  engines rename NAME NEW-NAME
  engines rm NAME

  schedule <container> --every 5m [--keep 10] [--hourly N] [--daily N] [--budget 2G] [--max-failures 3]
  schedule <container> --pause | --resume
  schedules                                               every schedule, its state, last and next run
  unschedule <container>                                  remove the schedule (its checkpoints stay)

options for every command:
  --engine ADDRESS|ID=ADDRESS  the engine (default: DOCKER_HOST, else /var/run/docker.sock);
                               serve accepts it more than once
  --json                       machine-readable output
`;

export const COMMANDS = [
  'doctor',
  'ps',
  ...CONTAINER_ACTIONS,
  'clones',
  'serve',
  'checkpoint',
  'checkpoints',
  'restore',
  'clone',
  'rm',
  'inspect',
  'diff',
  'memsearch',
  'migrate',
  'export',
  'import',
  'image',
  'library',
  'engines',
  'schedule',
  'schedules',
  'unschedule',
];

/** Every option of every command; the ones with a value also tell the command apart from values. */
const OPTIONS = {
  json: { type: 'boolean', default: false },
  remeasure: { type: 'boolean', default: false },
  clean: { type: 'boolean', default: false },
  plan: { type: 'boolean', default: false },
  all: { type: 'boolean', short: 'a', default: false },
  engine: { type: 'string', multiple: true },
  port: { type: 'string' },
  verbose: { type: 'boolean', default: false },
  name: { type: 'string' },
  'leave-running': { type: 'boolean', default: false },
  'tcp-established': { type: 'boolean', default: false },
  'file-locks': { type: 'boolean', default: false },
  note: { type: 'string' },
  checkpoint: { type: 'string' },
  force: { type: 'boolean', default: false },
  count: { type: 'string' },
  prefix: { type: 'string' },
  ports: { type: 'string' },
  regex: { type: 'boolean', default: false },
  pid: { type: 'string' },
  'max-hits': { type: 'string' },
  every: { type: 'string' },
  keep: { type: 'string' },
  hourly: { type: 'string' },
  daily: { type: 'string' },
  budget: { type: 'string' },
  'max-failures': { type: 'string' },
  pause: { type: 'boolean', default: false },
  rm: { type: 'boolean', default: false },
  tls: { type: 'string' },
  identity: { type: 'string' },
  'host-key': { type: 'string' },
  to: { type: 'string' },
  'keep-source': { type: 'boolean', default: false },
  resume: { type: 'boolean', default: false },
  output: { type: 'string' },
  compress: { type: 'string' },
} as const satisfies Record<
  string,
  { type: 'string' | 'boolean'; default?: boolean; short?: string; multiple?: boolean }
>;

/** Options that take a value: what follows them is never the command. */
const VALUED = new Set(
  Object.entries(OPTIONS)
    .filter(([, o]) => o.type === 'string')
    .map(([name]) => `--${name}`),
);

/** The command is the first word that is neither an option nor an option's value. */
export function splitCommand(argv: string[]): { command: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('-')) {
      if (VALUED.has(a)) i++;
      continue;
    }
    return { command: a, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { command: undefined, rest: argv };
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
  return d[a.length]![b.length]!;
}

/** The known command nearest to a mistyped one, when one is near enough to be meant. */
export function nearestCommand(word: string): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of COMMANDS) {
    const dd = distance(word, c);
    if (dd < bestD) [best, bestD] = [c, dd];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

/** A usage mistake: said in JSON with --json, as text otherwise; exit status 64. */
function usage(io: CliIo, json: boolean, message: string, hint?: string): number {
  if (json) {
    io.out(
      JSON.stringify(
        { ok: false, error: { code: 'invalid-argument', message, ...(hint ? { hint } : {}) } },
        null,
        2,
      ),
    );
  } else {
    io.err(`error: ${message}${hint ? `\nhint: ${hint}` : ''}\n\n${USAGE}`);
  }
  return 64;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const { command, rest } = splitCommand(argv);
  const wantsJson = argv.includes('--json');
  if (command === 'help' || (!command && (argv.includes('--help') || argv.includes('-h')))) {
    io.out(USAGE);
    return 0;
  }
  if (!command) return usage(io, wantsJson, 'no command given');
  if (!COMMANDS.includes(command)) {
    const near = nearestCommand(command);
    return usage(
      io,
      wantsJson,
      `unknown command "${command}"`,
      near ? `did you mean "${near}"?` : 'the commands are listed below.',
    );
  }
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    // parseArgs says e.g. "Unknown option '--forse'": the option is the user's word, keep it.
    return usage(io, wantsJson, (e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const json = values.json === true;
  const engines = (values.engine as string[] | undefined) ?? [];
  const dataDir = defaultDataDir(io.env);
  const str = (k: string) => values[k] as string | undefined;
  const verb = { json, dataDir, engine: engines[0] };
  const container = (): string => {
    const c = positionals[0];
    if (!c || positionals.length > 1)
      throw new StudioError('invalid-argument', `${command} takes one container name or id`);
    return c;
  };
  try {
    const takesArgs = [
      ...CONTAINER_ACTIONS,
      'clones',
      'engines',
      'migrate',
      'export',
      'import',
      'image',
      'checkpoint',
      'checkpoints',
      'restore',
      'clone',
      'rm',
      'inspect',
      'diff',
      'memsearch',
      'schedule',
      'unschedule',
    ];
    if (!takesArgs.includes(command) && positionals.length) {
      throw new StudioError(
        'invalid-argument',
        `${command} takes no arguments (got "${positionals.join(' ')}")`,
      );
    }
    if ((CONTAINER_ACTIONS as readonly string[]).includes(command))
      return await (
        await commands.containers()
      ).containerActionCommand(io, {
        ...verb,
        action: command as ContainerAction,
        containers: positionals,
      });
    switch (command) {
      case 'library':
        return await (await commands.library()).libraryCommand(io, verb);
      case 'clones':
        return await (
          await commands.containers()
        ).clonesCommand(io, { ...verb, container: container(), remove: values.rm === true });
      case 'checkpoint':
        return await (
          await commands.checkpoints()
        ).checkpointCommand(io, {
          ...verb,
          container: container(),
          name: str('name'),
          leaveRunning: values['leave-running'] === true,
          tcpEstablished: values['tcp-established'] === true,
          fileLocks: values['file-locks'] === true,
          note: str('note'),
        });
      case 'checkpoints':
        if (positionals.length > 1)
          throw new StudioError('invalid-argument', 'checkpoints takes at most one container');
        return await (
          await commands.checkpoints()
        ).checkpointsCommand(io, { ...verb, container: positionals[0] });
      case 'restore':
        return await (
          await commands.checkpoints()
        ).restoreCommand(io, {
          ...verb,
          container: container(),
          checkpoint: str('checkpoint'),
          force: values.force === true,
        });
      case 'clone':
        return await (
          await commands.checkpoints()
        ).cloneCommand(io, {
          ...verb,
          container: container(),
          checkpoint: str('checkpoint'),
          count: str('count'),
          prefix: str('prefix'),
          ports: str('ports'),
          plan: values.plan === true,
        });
      case 'inspect':
        if (positionals.length !== 1)
          throw new StudioError(
            'invalid-argument',
            'inspect takes one source: a folder, an archive or container:checkpoint',
          );
        return await (await commands.inspect()).inspectCommand(io, { ...verb, source: positionals[0]! });
      case 'diff':
        if (positionals.length !== 2) throw new StudioError('invalid-argument', 'diff takes two sources');
        return await (
          await commands.inspect()
        ).diffCommand(io, { ...verb, a: positionals[0]!, b: positionals[1]! });
      case 'memsearch':
        if (positionals.length !== 2)
          throw new StudioError('invalid-argument', 'memsearch takes a source and a pattern');
        return await (
          await commands.inspect()
        ).memsearchCommand(io, {
          ...verb,
          source: positionals[0]!,
          pattern: positionals[1]!,
          regex: values.regex === true,
          pid: str('pid'),
          maxHits: str('max-hits'),
        });
      case 'schedule':
        return await (
          await commands.schedules()
        ).scheduleCommand(io, {
          ...verb,
          container: container(),
          every: str('every'),
          keep: str('keep'),
          hourly: str('hourly'),
          daily: str('daily'),
          budget: str('budget'),
          maxFailures: str('max-failures'),
          pause: values.pause === true,
          resume: values.resume === true,
        });
      case 'migrate':
        return await (
          await commands.migrate()
        ).migrateCommand(io, {
          ...verb,
          container: container(),
          to: str('to'),
          keepSource: values['keep-source'] === true,
        });
      case 'export':
        return await (
          await commands.portable()
        ).exportCommand(io, {
          ...verb,
          container: container(),
          checkpoint: str('checkpoint'),
          output: str('output'),
          compress: str('compress'),
        });
      case 'import':
        if (positionals.length !== 1)
          throw new StudioError('invalid-argument', 'import takes one archive file');
        return await (
          await commands.portable()
        ).importCommand(io, {
          ...verb,
          file: positionals[0]!,
          name: str('name'),
          count: str('count'),
        });
      case 'image':
        return await (
          await commands.images()
        ).imageCommand(io, {
          ...verb,
          args: positionals,
          checkpoint: str('checkpoint'),
          name: str('name'),
          count: str('count'),
          to: str('to'),
        });
      case 'engines':
        return await (
          await commands.engines()
        ).enginesCommand(io, {
          json,
          dataDir,
          args: positionals,
          tls: str('tls'),
          identity: str('identity'),
          hostKey: str('host-key'),
        });
      case 'schedules':
        return await (await commands.schedules()).schedulesCommand(io, verb);
      case 'unschedule':
        return await (await commands.schedules()).unscheduleCommand(io, { ...verb, container: container() });
      case 'rm':
        return await (
          await commands.checkpoints()
        ).rmCommand(io, { ...verb, container: container(), checkpoint: str('checkpoint') });
      case 'doctor':
        return await (
          await commands.doctor()
        ).doctorCommand(io, {
          json,
          dataDir,
          remeasure: values.remeasure === true,
          clean: values.clean === true,
          ...(engines[0] ? { engine: engines[0] } : {}),
        });
      case 'ps':
        return await (
          await commands.ps()
        ).psCommand(io, {
          json,
          all: values.all === true,
          dataDir,
          ...(engines[0] ? { engine: engines[0] } : {}),
        });
      case 'serve': {
        const port = wholeNumber('--port', values.port as string | undefined) ?? 0;
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          throw new StudioError(
            'invalid-argument',
            `--port must be 0–65535 (0 picks a free one), not "${String(values.port)}"`,
          );
        }
        return await (
          await commands.serve()
        ).serveCommand(io, {
          port,
          engines,
          dataDir,
          verbose: values.verbose === true,
        });
      }
      default:
        return usage(io, json, `unknown command "${command}"`);
    }
  } catch (e) {
    return reportError(io, e, json);
  }
}

/** Runs the CLI as a process: exit status from the command. */
export function run(argv = process.argv.slice(2)): void {
  const trace = process.env.CHECKPOINT_STUDIO_TRACE_STARTUP === '1' ? traceStartup(processIo.err) : null;
  main(argv).then(
    (code) => {
      trace?.done();
      // Engine event streams hold sockets open; once a command is done, the process is.
      process.exit(code);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}

if (require.main === module) run();
