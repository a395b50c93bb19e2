// Reading the command line: which word is the command, every option any command takes, and what a
// command is handed (its words and its options, named as the commands name them).
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../app/paths';
import { StudioError } from '../ipc/errors';

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

type Options = typeof OPTIONS;
/** The options a command is handed by name: all but --engine, which every command gets. */
type Named = { [K in keyof Options]: Options[K] extends { multiple: true } ? never : K }[keyof Options];
/** --leave-running is leaveRunning to the command. */
type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
type Picked<K extends Named> = {
  [P in K as Camel<P>]: Options[P]['type'] extends 'boolean' ? boolean : string | undefined;
};
const camel = (s: string) => s.replace(/-(.)/g, (_, c: string) => c.toUpperCase());

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
export function nearestCommand(word: string, commands: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of commands) {
    const dd = distance(word, c);
    if (dd < bestD) [best, bestD] = [c, dd];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

type Common = { json: boolean; dataDir: string; engine: string | undefined };

/** A command as typed: its words, its options, and what every command gets. */
export interface Invocation {
  command: string;
  /** The words after the command that are no options. */
  words: string[];
  /** Every --engine given (serve takes several). */
  engines: string[];
  /** What every command gets: --json, the data folder, the first --engine. */
  common: Common;
  /** The common options and those named, each under the command's name for it (--max-hits is maxHits). */
  options<K extends Named>(...names: K[]): Common & Picked<K>;
  /** The one container the command acts on. */
  container(): string;
  /** options(…names) for a command on one container, with that container. */
  onContainer<K extends Named>(...names: K[]): Common & Picked<K> & { container: string };
  /** Exactly `count` words, or the message that says what the command takes. */
  exactly(count: number, message: string): string[];
}

/**
 * The options after the command is taken out; parseArgs' own message for an unknown option or a
 * missing value (thrown) names the user's word.
 */
export function readCommand(command: string, rest: string[], env: NodeJS.ProcessEnv): Invocation {
  const { values, positionals } = parseArgs({
    args: rest,
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  }) as { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  const engines = (values.engine as string[] | undefined) ?? [];
  const exactly = (count: number, message: string) => {
    if (positionals.length !== count) throw new StudioError('invalid-argument', message);
    return positionals;
  };
  const common = { json: values.json === true, dataDir: defaultDataDir(env), engine: engines[0] };
  const options = <K extends Named>(...names: K[]) => ({
    ...common,
    ...(Object.fromEntries(
      names.map((n) => [camel(n), OPTIONS[n].type === 'boolean' ? values[n] === true : values[n]]),
    ) as Picked<K>),
  });
  const container = () => {
    const c = positionals[0];
    if (!c || positionals.length > 1)
      throw new StudioError('invalid-argument', `${command} takes one container name or id`);
    return c;
  };
  return {
    command,
    words: positionals,
    engines,
    common,
    options,
    container,
    onContainer: (...names) => ({ ...options(...names), container: container() }),
    exactly,
  };
}
