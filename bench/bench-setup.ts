// What the benchmarks set up alike on a test-bed engine: the app's services for it, the workloads
// they time (the number printer; a redis that answers, filled or not), the app's clones kept for
// removal, and the tidy-up after.
import type { CloneResultT } from '../electron/ipc/contract';
import { Services, type ServicesOptions } from '../electron/app/services';
import { Containers, COUNTER, counted, eventually, execIn, testbed, type Testbed } from '../testbed/support';

let tb: Testbed | undefined;
const images = () => (tb ??= testbed());

/** The app's services on `engines`, with no window: as a test or a benchmark runs them. */
export function benchServices(engines: ServicesOptions['engines'], dataDir: string): Services {
  return new Services({ engines, dataDir, host: 'headless' });
}

/** The services done with: a checkpoint's last reads finished before the catalog closes; then `made` removed. */
export async function closeServices(services: Services, ...made: Containers[]): Promise<void> {
  await services.checkpoints.idle().catch(() => undefined);
  services.dispose();
  for (const c of made) await c.cleanup();
}

/** The number printer (busybox counting once a second), once it has printed twice. */
export async function runCounter(
  containers: Containers,
  network?: string,
): Promise<{ id: string; name: string }> {
  const c = await containers.run({ image: images().busyboxImage, cmd: COUNTER, network });
  await counted(containers.docker, c.id, 2);
  return c;
}

/** Redis (the image's own command unless `cmd`), once it answers. */
export async function runRedis(
  containers: Containers,
  o: { cmd?: string[]; network?: string; ports?: number[]; cli?: string[]; timeoutMs?: number } = {},
): Promise<{ id: string; name: string }> {
  const { cli, timeoutMs, ...run } = o;
  const r = await containers.run({ image: images().redisImage, ...run });
  await redisAnswers(containers, r.id, cli, timeoutMs);
  return r;
}

/** Waits for `redis-cli ...cli ping` in container `id` to answer. */
export async function redisAnswers(
  containers: Containers,
  id: string,
  cli: string[] = [],
  timeoutMs = 15_000,
): Promise<void> {
  await eventually(
    async () => (await execIn(containers.docker, id, ['redis-cli', ...cli, 'ping'])) === 'PONG',
    timeoutMs,
    'redis',
  );
}

/** About 100 MB in that redis: 100,000 keys of 1,000 bytes (its command must allow DEBUG). */
export async function fillRedis(containers: Containers, id: string): Promise<void> {
  const filled = await execIn(containers.docker, id, [
    'redis-cli',
    'debug',
    'populate',
    '100000',
    'key',
    '1000',
  ]);
  if (filled !== 'OK') throw new Error(`redis did not fill: ${filled}`);
}

/** The app's clones become `containers`' to remove; one that failed fails the benchmark. */
export function keepClones(res: CloneResultT, containers: Containers, where: string): void {
  for (const cl of res.clones) if (cl.id) containers.adopt(cl.id);
  if (!res.ok)
    throw new Error(`${where}: app clone failed: ${JSON.stringify(res.clones.map((x) => x.error))}`);
}
