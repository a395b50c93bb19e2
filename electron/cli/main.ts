// checkpoint-studio: the command line, sharing the app's services and contract. Reading the words
// is command-words.ts, the commands and their modules verbs.ts, the help text usage.ts.
import { processIo, reportError, type CliIo } from './cli-io';
import { nearestCommand, readCommand, splitCommand, type Invocation } from './command-words';
import { traceStartup } from './startup-trace';
import { USAGE, usageError } from './usage';
import { COMMANDS, isCommand, runCommand } from './verbs';

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const { command, rest } = splitCommand(argv);
  const wantsJson = argv.includes('--json');
  if (command === 'help' || (!command && (argv.includes('--help') || argv.includes('-h')))) {
    io.out(USAGE);
    return 0;
  }
  if (!command) return usageError(io, wantsJson, 'no command given');
  if (!isCommand(command)) {
    const near = nearestCommand(command, COMMANDS);
    return usageError(
      io,
      wantsJson,
      `unknown command "${command}"`,
      near ? `did you mean "${near}"?` : 'the commands are listed below.',
    );
  }
  let invocation: Invocation;
  try {
    invocation = readCommand(command, rest, io.env);
  } catch (e) {
    // parseArgs says e.g. "Unknown option '--forse'": the option is the user's word, keep it.
    return usageError(
      io,
      wantsJson,
      (e as Error).message.replace(/\. To specify a positional argument.*$/s, ''),
    );
  }
  try {
    return await runCommand(io, invocation);
  } catch (e) {
    return reportError(io, e, invocation.common.json);
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
