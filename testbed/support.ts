// Helpers for tests that run against the private test bed: where it is (env.ts), containers that are
// named per test and always removed afterwards (containers.ts), what they print, and the engine's
// own CLI beside the app.
import { execFileSync } from 'node:child_process';
import type Docker from 'dockerode';
import { Containers, COUNTER, dockerFor, type RunOptions } from './containers';
import { counterValues, execIn } from './container-output';
import { testbed, type Testbed } from './env';
import { eventually } from './eventually';

export * from './containers';
export * from './container-output';
export * from './env';
export * from './eventually';
export * from './socket-relay';

/** The test bed, a client for `host` (its main engine by default), and the containers a file makes there. */
export function testbedFixture(host?: string): { tb: Testbed; docker: Docker; containers: Containers } {
  const tb = testbed();
  const docker = dockerFor(host ?? tb.dockerHost);
  return { tb, docker, containers: new Containers(docker) };
}

/** The engine's own CLI (docker) on `host` (the test bed's main engine by default): its output, trimmed. */
export function dockerCli(args: string[], host?: string): string {
  const tb = testbed();
  return execFileSync(tb.dockerCli, args, {
    env: { ...process.env, DOCKER_HOST: host ?? tb.dockerHost },
    // Sync calls are out of vitest's reach: bounded here, so a hung engine fails the test instead.
    timeout: 5 * 60_000,
    killSignal: 'SIGKILL',
  })
    .toString()
    .trim();
}

/** The counter (on busybox unless `opts.image`) run by `containers`, once it has printed `n` numbers. */
export async function runCounter(
  containers: Containers,
  n: number,
  opts: Partial<RunOptions> = {},
): Promise<{ id: string; name: string }> {
  const c = await containers.run({ image: testbed().busyboxImage, cmd: COUNTER, ...opts });
  await counted(containers.docker, c.id, n);
  return c;
}

/** Waits (15 s) for the counter to have printed `n` numbers; returns them. */
export function counted(docker: Docker, id: string, n: number, what = 'counting'): Promise<number[]> {
  return countsOn(docker, id, (v) => v.length >= n, what);
}

/** Waits (15 s) for the counter's numbers to satisfy `ok`; returns them. */
export function countsOn(
  docker: Docker,
  id: string,
  ok: (values: number[]) => boolean,
  what: string,
): Promise<number[]> {
  return eventually(
    async () => {
      const v = await counterValues(docker, id);
      return ok(v) ? v : undefined;
    },
    15_000,
    what,
  );
}

/** Waits (15 s) for redis in the container to answer a ping. */
export async function redisUp(docker: Docker, id: string, what = 'redis'): Promise<void> {
  await eventually(async () => (await execIn(docker, id, ['redis-cli', 'ping'])) === 'PONG', 15_000, what);
}

/** Browser mode, as a script signs in: the one-time link's token traded for a session secret. */
export async function signIn(link: string): Promise<string> {
  const u = new URL(link);
  const res = await fetch(`${u.origin}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: u.searchParams.get('token') }),
  });
  const body = (await res.json()) as { ok: boolean; value?: { session: string } };
  if (!body.ok || !body.value) throw new Error(`browser mode refused the link (${res.status})`);
  return body.value.session;
}
