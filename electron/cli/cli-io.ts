// What a command needs from its surroundings, so tests can run commands in-process.
import { StudioError, toErrorInfo } from '../ipc/errors';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  env: process.env,
};

/** Prints an error the way every command does: message, hint, details; JSON when asked. */
export function reportError(io: CliIo, e: unknown, json: boolean): number {
  const info = toErrorInfo(e);
  if (json) {
    io.out(JSON.stringify({ ok: false, error: info }, null, 2));
  } else {
    io.err(`error: ${info.message}`);
    if (info.hint) io.err(`hint: ${info.hint}`);
    for (const d of info.details ?? []) io.err(`  ${d}`);
  }
  if (e instanceof StudioError && e.code === 'cancelled') return 130;
  return e instanceof StudioError && e.code === 'invalid-argument' ? 64 : 1;
}
