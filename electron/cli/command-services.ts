// What every one-shot command shares: the app's services for its engines, with what an interrupted
// operation left on them put right first (and said), and Ctrl+C as a cancellation — the first one
// undoes what the command made, as on a failure; a second quits at once, and the journal lets the
// next command put that right.
import { Services, type ServicesOptions } from '../app/services';
import type { CliIo } from './cli-io';
import { commandEngine } from './engine-args';

export const EXIT_INTERRUPTED = 130;

/** Ctrl+C (or SIGTERM) as a cancellation of whatever the services are doing; returns the undo. */
export function onInterrupt(io: CliIo, services: () => Services | null): () => void {
  let times = 0;
  const handler = () => {
    times++;
    if (times === 1) {
      io.err('cancelling… (Ctrl+C again quits at once)');
      services()?.cancellation.cancelAll();
      return;
    }
    io.err(
      'quitting now: what this command made is written down, and the next checkpoint-studio command (or the app) puts it right.',
    );
    process.exit(EXIT_INTERRUPTED);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

export async function withCommandServices<T>(
  io: CliIo,
  options: ServicesOptions,
  fn: (s: Services) => Promise<T>,
): Promise<T> {
  const services = new Services(options);
  const stop = onInterrupt(io, () => services);
  try {
    for (const e of options.engines) {
      // An engine that is not there is the command's to report; this only puts right what it can.
      const said = await services.recovered(e.id).catch(() => [] as string[]);
      for (const line of said) io.err(`put right: ${line}`);
    }
    return await fn(services);
  } finally {
    stop();
    // Sizes and processes are read right after a checkpoint; let that finish so it is recorded.
    await services.checkpoints.idle().catch(() => undefined);
    services.dispose();
  }
}

/** What every one-engine command is given: --json, the data folder, --engine. */
export interface VerbOptions {
  json: boolean;
  engine?: string | undefined;
  dataDir: string;
}

/** withCommandServices for the one engine --engine names (else the default), with its id. */
export function withEngineServices<T>(
  io: CliIo,
  o: VerbOptions,
  fn: (s: Services, engineId: string) => Promise<T>,
): Promise<T> {
  const spec = commandEngine(o.engine, io.env);
  return withCommandServices(io, { engines: [spec], dataDir: o.dataDir, host: 'cli' }, (s) => fn(s, spec.id));
}
