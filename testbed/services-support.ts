// What integration tests share, as vitest fixtures (support.ts, which benchmarks use too, has no
// vitest): the test bed's containers removed after the file's tests, the services on test-bed
// engines with a data folder of their own (removed after), a call that must succeed, and an error
// that must carry a code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { Services, type ServicesOptions } from '../electron/app/services';
import type { CallName, CallResult } from '../electron/ipc/contract';
import type { PolicySettingsT } from '../electron/ipc/contract';
import { unwrap } from '../electron/ipc/dispatcher';
import { StudioError, type ErrorCode } from '../electron/ipc/errors';
import { eventually, testbedFixture } from './support';

/**
 * testbedFixture() whose containers are removed after the file's tests — with every clone the app
 * left on that engine, when `clones`. Call it before useServices(), so that the services close first.
 */
export function useTestbed(host?: string, { clones = false } = {}): ReturnType<typeof testbedFixture> {
  const fixture = testbedFixture(host);
  afterAll(() => fixture.containers.cleanup({ clones }));
  return fixture;
}

/** What a test says of its services: the engines and seams; the data folder is made for it. */
export type TestServicesOptions = Omit<ServicesOptions, 'dataDir' | 'host'> & {
  host?: ServicesOptions['host'];
};

export interface ServicesFixture {
  services: Services;
  dataDir: string;
}

/** Services in a new data folder (named `prefix`…); not yet online. */
export function makeServices(options: TestServicesOptions, prefix = 'cs-int-'): ServicesFixture {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { services: new Services({ host: 'headless', ...options, dataDir }), dataDir };
}

/** Waits for every engine of the services to be online; an error names the first that is not. */
export async function whenAllOnline(services: Services, timeoutMs = 10_000): Promise<void> {
  const ids = services.options.engines.map((e) => e.id);
  const online = await Promise.all(ids.map((id) => services.registry.get(id).whenOnline(timeoutMs)));
  const down = ids.find((_, i) => !online[i]);
  if (down) throw new Error(`engine ${down} did not come online in ${timeoutMs} ms`);
}

/**
 * Stops the services' schedules and lets their last work finish (sizes and processes are read after
 * a checkpoint), then disposes them and removes their folder.
 */
export async function closeServices({ services, dataDir }: ServicesFixture): Promise<void> {
  services.schedules.scheduler.stop();
  await services.schedules.scheduler.idle().catch(() => undefined);
  await services.checkpoints.idle().catch(() => undefined);
  services.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/**
 * Services for the file's tests, made now in a folder of their own: online before the first test
 * (within `onlineMs`), closed after the last.
 */
export function useServices(
  options: TestServicesOptions,
  { onlineMs = 10_000, prefix = 'cs-int-' } = {},
): ServicesFixture {
  const made = makeServices(options, prefix);
  beforeAll(() => whenAllOnline(made.services, onlineMs));
  afterAll(() => closeServices(made));
  return made;
}

/** The services on engine `host` (as id 'e'), online, for `fn`; disposed and their folder removed after. */
export async function withServices<T>(
  host: string,
  fn: (s: Services, dataDir: string) => Promise<T>,
  name = 'e',
): Promise<T> {
  const made = makeServices({ engines: [{ id: 'e', name, host }] }, 'cs-services-');
  try {
    await whenAllOnline(made.services, 15_000);
    return await fn(made.services, made.dataDir);
  } finally {
    await closeServices(made);
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

/** The promise fails with a StudioError (of this code, if given); the error is returned for more checks. */
export async function expectStudioError(p: Promise<unknown>, code?: ErrorCode): Promise<StudioError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StudioError);
  if (code !== undefined) expect((e as StudioError).code).toBe(code);
  return e as StudioError;
}

/** Temporary folders made during the file's tests, all removed after the last. */
export function useTempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  return () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}

/** A schedule of the tests: every `everyMs`, the last `keepLast` kept (none by hour, day or size). */
export function everySchedule(
  engineId: string,
  container: string,
  everyMs: number,
  keepLast: number,
  maxFailures = 3,
): PolicySettingsT {
  return {
    engineId,
    container,
    everyMs,
    keepLast,
    keepHourly: 0,
    keepDaily: 0,
    budgetBytes: null,
    maxFailures,
  };
}

/** Waits until `count` runs of a schedule have made their checkpoint. */
export async function okRuns(
  services: Services,
  policyId: number,
  count: number,
  timeoutMs: number,
  what: string,
): Promise<void> {
  await eventually(
    () => services.schedules.store.runs(policyId).filter((r) => r.outcome === 'ok').length >= count,
    timeoutMs,
    what,
  );
}
