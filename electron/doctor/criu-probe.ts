// Finds the CRIU binary the engine's runtime will call, asks its version and runs `criu check`.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface CriuCheckResult {
  ran: boolean;
  ok: boolean;
  output: string;
  reason?: 'not-root' | 'failed' | 'timeout';
}

export interface CriuProbe {
  path: string | null;
  version: string | null;
  check: CriuCheckResult;
}

/** runc looks CRIU up on its PATH; these are where installs put it when PATH lacks sbin. */
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

export function findCriu(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env.CHECKPOINT_STUDIO_CRIU;
  if (explicit) return fs.existsSync(explicit) ? explicit : null;
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SBIN_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'criu');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return null;
}

function run(
  file: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
      resolve({
        code: e ? (typeof e.code === 'number' ? e.code : -1) : 0,
        output: `${stdout}${stderr}`.trim(),
        timedOut: Boolean(e?.killed),
      });
    });
  });
}

export function parseCriuVersion(output: string): string | null {
  return /Version:\s*([0-9]+(?:\.[0-9]+){1,2})/.exec(output)?.[1] ?? null;
}

export async function probeCriu(
  opts: { criuPath?: string | null; isRoot?: boolean; timeoutMs?: number } = {},
): Promise<CriuProbe> {
  const criuPath = opts.criuPath === undefined ? findCriu() : opts.criuPath;
  const isRoot = opts.isRoot ?? process.getuid?.() === 0;
  if (!criuPath) return { path: null, version: null, check: { ran: false, ok: false, output: '' } };
  const version = parseCriuVersion((await run(criuPath, ['--version'], 5000)).output);
  if (!isRoot) {
    return { path: criuPath, version, check: { ran: false, ok: false, output: '', reason: 'not-root' } };
  }
  const res = await run(criuPath, ['check'], opts.timeoutMs ?? 30000);
  const ok = res.code === 0 && /Looks good/.test(res.output);
  const check: CriuCheckResult = { ran: true, ok, output: res.output };
  if (!ok) check.reason = res.timedOut ? 'timeout' : 'failed';
  return { path: criuPath, version, check };
}
