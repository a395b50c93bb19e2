// What integration tests of the services share: the services on one test-bed engine with a data
// folder of their own (removed after), a call that must succeed, and an error that must carry a code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { Services } from '../electron/app/services';
import type { CallName, CallResult } from '../electron/ipc/contract';
import { unwrap } from '../electron/ipc/dispatcher';
import { StudioError, type ErrorCode } from '../electron/ipc/errors';

/** The services on engine `host` (as id 'e'), online, for `fn`; disposed and their folder removed after. */
export async function withServices<T>(
  host: string,
  fn: (s: Services, dataDir: string) => Promise<T>,
  name = 'e',
): Promise<T> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-services-'));
  const s = new Services({ engines: [{ id: 'e', name, host }], dataDir, host: 'headless' });
  try {
    expect(await s.registry.get('e').whenOnline(15_000)).toBe(true);
    return await fn(s, dataDir);
  } finally {
    // Sizes and processes are read after a checkpoint: let that finish before the catalog closes.
    await s.checkpoints.idle().catch(() => undefined);
    s.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A call through the dispatcher (validation included) that must succeed. */
export async function callOk<N extends CallName>(
  s: Services,
  name: N,
  args: unknown,
): Promise<CallResult<N>> {
  return unwrap<N>(await s.dispatcher.dispatch(name, args));
}

/** The promise fails with a StudioError of this code; the error is returned for more checks. */
export async function expectStudioError(p: Promise<unknown>, code: ErrorCode): Promise<StudioError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StudioError);
  expect((e as StudioError).code).toBe(code);
  return e as StudioError;
}
