// Every story, on every engine of the matrix: Docker 20.10, 26.1 and 28.5, Podman 4.3, 5.4 and 5.8,
// each the real engine with real CRIU. What an engine cannot do (measured by the capability probe
// when it connects) must be refused before anything is stopped or created, with the reason and what
// works instead; everything else must work. Each outcome is recorded for the README's
// compatibility table (testbed/compat.ts).
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import { outcomeOf, type Operation } from '../capabilities/capability-rules';
import type { ContainerNetworkKind } from '../capabilities/network-kind';
import type { EngineCapabilitiesT, NetworkKindT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import { recordCompat, type CompatCell } from '../../testbed/compat';
import {
  COUNTER_SCRIPT,
  counterValues,
  eventually,
  execIn,
  matrixEngines,
  piProgress,
  redisCommand,
  testbed,
  uniqueName,
  type MatrixEngine,
  REDIS_SERVER,
} from '../../testbed/support';
import {
  closeServices,
  everySchedule,
  makeServices,
  okRuns,
  type ServicesFixture,
  useTestbed,
  whenAllOnline,
} from '../../testbed/services-support';

const tb = testbed();
const REDIS = REDIS_SERVER;
const CLONE_NONE = 'clone ×3, no network (redis answers on 127.0.0.1)';
const RESTORE_OVER_REDIS = 'restore in place over a running redis, no network (answers on 127.0.0.1)';
const CLONE_BRIDGE = 'clone ×3, bridge network';
/** Redis that listens on a Unix socket only: what runs on the host network without taking a port. */
const REDIS_UNIX = [...REDIS, '--port', '0', '--unixsocket', '/tmp/redis.sock'];

describe.each(matrixEngines())('stories on $id: $label', (m: MatrixEngine) => {
  const E = m.id;
  const { docker, containers } = useTestbed(m.host);
  let made: ServicesFixture;
  let services: Services;
  let caps: EngineCapabilitiesT | null;

  beforeAll(async () => {
    made = makeServices(
      { engines: [{ id: E, name: m.label, host: m.host }], runSchedules: true },
      `cs-stories-${E}-`,
    );
    services = made.services;
    await whenAllOnline(services, 15_000);
    caps = await services.capabilities.ensure(E);
    expect(caps?.state).toBe('measured');
  });

  afterAll(() => closeServices(made));

  const record = (operation: string, cell: CompatCell) => recordCompat(m, operation, cell);
  const measured = (op: Operation, kind: NetworkKindT) => outcomeOf(caps, kind, op);
  const refusedHere = (op: Operation, kind: NetworkKindT) => measured(op, kind)?.state === 'fails';
  const network = (kind: NetworkKindT) => (kind === 'bridge' ? tb.network : kind);
  /** The first network kind on which this engine clones: where the slow starter runs. */
  const cloneable = (): NetworkKindT =>
    (['none', 'bridge', 'host'] as const).find((k) => measured('clone', k)?.state === 'works') ?? 'host';

  /**
   * The user's containers and their states. The app's own helpers come and go on their own
   * schedule (an engine may take a moment to finish removing one), and Podman calls a container
   * that just ended "stopped" before "exited": neither is the refusal touching anything.
   */
  async function snapshot(): Promise<string> {
    const rows = await docker.listContainers({ all: true });
    return rows
      .filter((r) => !r.Labels?.['dev.checkpointstudio.helper'])
      .map((r) => `${r.Id} ${r.State === 'stopped' ? 'exited' : r.State}`)
      .sort()
      .join('\n');
  }

  /**
   * The operation must be refused up front: the engine's own words and the known issue in the
   * error, what works instead in the hint, and not one container created, removed or stopped.
   */
  async function expectRefused(
    operation: string,
    kind: ContainerNetworkKind,
    run: () => Promise<unknown>,
  ): Promise<StudioError> {
    const before = await snapshot();
    let error: unknown = null;
    await run().catch((e: unknown) => (error = e));
    expect(error, `${operation} should have been refused`).toBeInstanceOf(StudioError);
    const e = error as StudioError;
    expect(e.code).toBe('unsupported');
    expect(e.message).toMatch(/fails on this engine/);
    expect(e.message).toMatch(/Nothing was stopped or created/);
    expect(e.hint ?? '').toMatch(/What works on this engine|migrate it to|Use an engine/);
    expect(await snapshot()).toEqual(before);
    const known =
      caps?.modes[kind as NetworkKindT]?.restore.known ?? caps?.modes[kind as NetworkKindT]?.clone.known;
    record(operation, { state: 'refused', reason: known?.ref ?? e.details?.[0] ?? e.message });
    return e;
  }

  async function counter(kind: NetworkKindT): Promise<{ id: string; name: string }> {
    const c = await containers.run({
      image: tb.busyboxImage,
      cmd: ['sh', '-c', COUNTER_SCRIPT],
      network: network(kind),
    });
    await eventually(async () => (await counterValues(docker, c.id)).length >= 3, 20_000, 'counting');
    return c;
  }

  async function warmRedis(
    kind: NetworkKindT,
    opts: { ports?: number[]; cmd?: string[] } = {},
  ): Promise<{ id: string; name: string }> {
    const cmd = opts.cmd ?? REDIS;
    const src = await containers.run({
      image: tb.redisImage,
      cmd,
      network: network(kind),
      ...(opts.ports ? { ports: opts.ports } : {}),
    });
    const cli = redisCli(docker, cmd);
    await eventually(async () => (await cli(src.id, 'ping')) === 'PONG', 20_000, 'redis up');
    await cli(src.id, 'set', 'warm', 'yes');
    await execIn(docker, src.id, [
      'sh',
      '-c',
      `seq 1 2000 | sed "s/.*/SET key:& &/" | redis-cli ${redisTarget(cmd).join(' ')} > /dev/null`,
    ]);
    expect(await cli(src.id, 'dbsize')).toBe('2001');
    return src;
  }

  /** A warm redis checkpointed as 'warm' (left running), and a request for `count` clones of it. */
  async function warmClone(
    kind: NetworkKindT,
    count: number,
    prefix: string,
    opts: { ports?: number[]; cmd?: string[] } = {},
  ) {
    const src = await warmRedis(kind, opts);
    await services.checkpoints.create({ engineId: E, container: src.id, name: 'warm', leaveRunning: true });
    const req = {
      engineId: E,
      container: src.id,
      checkpoint: 'warm',
      count,
      prefix: uniqueName(prefix),
      ports: { mode: 'none' } as { mode: 'none' } | { mode: 'auto' },
    };
    return { src, req };
  }

  it('the number printer: checkpoint (stop), restore in place, the count goes on', async () => {
    const c = await counter('none');
    const rec = await services.checkpoints.create({
      engineId: E,
      container: c.name,
      name: 'before-pause',
      leaveRunning: false,
    });
    expect(rec).toMatchObject({ name: 'before-pause', mode: 'stopped' });
    record('checkpoint (stop), no network', { state: 'works' });
    const at = await counterValues(docker, c.id);
    const last = at.at(-1)!;
    if (refusedHere('restore', 'none')) {
      const e = await expectRefused('restore in place, no network', 'none', () =>
        services.checkpoints.restore({
          engineId: E,
          container: c.name,
          checkpoint: 'before-pause',
          replaceRunning: false,
        }),
      );
      expect(e.hint).toMatch(/host network/);
      // The checkpoint is intact.
      expect((await services.checkpoints.list(E, c.name)).map((r) => r.name)).toEqual(['before-pause']);
      return;
    }
    await new Promise((r) => setTimeout(r, 1200));
    const res = await services.checkpoints.restore({
      engineId: E,
      container: c.name,
      checkpoint: 'before-pause',
      replaceRunning: false,
    });
    expect(res.container.state).toBe('running');
    containers.adopt(res.container.id);
    const resumed = await eventually(
      async () => {
        const v = await counterValues(docker, res.container.id);
        const i = v.lastIndexOf(last);
        return i >= 0 && v.length > i + 3 ? v.slice(i + 1) : undefined;
      },
      20_000,
      'the count after the restore',
    );
    expect(resumed[0]).toBe(last + 1);
    for (let i = 1; i < resumed.length; i++) expect(resumed[i]).toBe(resumed[i - 1]! + 1);
    record('restore in place, no network', { state: 'works' });
  });

  it('restore over a running container (confirmed): its state is saved first, the checkpoint comes back', async () => {
    const c = await counter('host');
    await services.checkpoints.create({ engineId: E, container: c.id, name: 'earlier', leaveRunning: true });
    expect((await docker.getContainer(c.id).inspect()).State.Running).toBe(true);
    const atCheckpoint = (await counterValues(docker, c.id)).at(-1)!;
    await eventually(
      async () => (await counterValues(docker, c.id)).at(-1)! > atCheckpoint + 2,
      15_000,
      'counting on',
    );
    const refused = await services.checkpoints
      .restore({ engineId: E, container: c.id, replaceRunning: false })
      .catch((e: StudioError) => e);
    expect(refused).toMatchObject({ code: 'conflict' });
    const res = await services.checkpoints.restore({ engineId: E, container: c.id, replaceRunning: true });
    expect(res).toMatchObject({ replaced: true, container: { state: 'running' } });
    containers.adopt(res.container.id);
    // No safety checkpoint is left behind after a restore that worked.
    expect((await services.checkpoints.list(E, res.container.id)).map((r) => r.name)).toEqual(['earlier']);
    record('restore over a running container, host network', { state: 'works' });
  });

  it('warm redis clones with no network: each holds the data and answers on 127.0.0.1', async () => {
    const { src, req } = await warmClone('none', 3, 'warm');
    if (refusedHere('clone', 'none')) {
      const plan = await services.clones.plan(req);
      expect(plan.problems[0]).toMatch(/fails on this engine/);
      await expectRefused(CLONE_NONE, 'none', () => services.clones.run(req));
    } else {
      const res = await services.clones.run(req);
      for (const cl of res.clones) if (cl.id) containers.adopt(cl.id);
      expect(res.clones.map((c) => c.state)).toEqual(['running', 'running', 'running']);
      for (const cl of res.clones) {
        // Over TCP on the loopback, inside the clone: the loopback is up, whatever the engine did.
        expect(await execIn(docker, cl.id!, ['redis-cli', '-h', '127.0.0.1', 'get', 'warm'])).toBe('yes');
        expect(await execIn(docker, cl.id!, ['redis-cli', '-h', '127.0.0.1', 'dbsize'])).toBe('2001');
      }
      const repaired = res.clones.filter((c) => c.loopbackRepaired).length;
      expect(repaired === 0 || repaired === 3).toBe(true);
      if (measured('clone', 'none')) {
        expect(repaired > 0).toBe(caps?.modes.none?.loopbackAfterClone === 'down');
      }
      record(CLONE_NONE, {
        state: 'works',
        ...(repaired ? { note: 'loopback came back down; the app brings it up' } : {}),
      });
    }

    // And the source itself, restored in place over its running self: on 127.0.0.1 too — or,
    // where the engine cannot, refused while redis goes on holding what it holds now.
    await execIn(docker, src.id, ['redis-cli', 'set', 'warm', 'changed']);
    const restoreReq = { engineId: E, container: src.id, checkpoint: 'warm', replaceRunning: true };
    if (refusedHere('restore', 'none')) {
      await expectRefused(RESTORE_OVER_REDIS, 'none', () => services.checkpoints.restore(restoreReq));
      expect(await execIn(docker, src.id, ['redis-cli', 'get', 'warm'])).toBe('changed');
      return;
    }
    const back = await services.checkpoints.restore(restoreReq);
    containers.adopt(back.container.id);
    expect(await execIn(docker, back.container.id, ['redis-cli', '-h', '127.0.0.1', 'get', 'warm'])).toBe(
      'yes',
    );
    expect(back.loopbackRepaired).toBe(caps?.modes.none?.loopbackAfterRestore === 'down');
    record(RESTORE_OVER_REDIS, {
      state: 'works',
      ...(back.loopbackRepaired ? { note: 'loopback came back down; the app brings it up' } : {}),
    });
  });

  it('warm redis clones on a bridge network: each holds the data (Docker: each on its own published port)', async () => {
    const docker_ = m.kind === 'docker';
    const warm = await warmClone('bridge', 3, 'bridge', docker_ ? { ports: [6379] } : {});
    const src = warm.src;
    const req = {
      ...warm.req,
      ports: docker_ ? { mode: 'auto' as const } : { mode: 'none' as const },
      opId: `clone-${E}-bridge`,
    };
    if (refusedHere('clone', 'bridge')) {
      await expectRefused(CLONE_BRIDGE, 'bridge', () => services.clones.run(req));
      return;
    }
    const progress: { instances?: { state: string }[] }[] = [];
    const off = services.bus.on('operations.progressed', (p) => {
      if (p.opId === req.opId) progress.push(p);
    });
    const res = await services.clones.run(req).finally(off);
    for (const cl of res.clones) if (cl.id) containers.adopt(cl.id);
    expect(res.clones.map((c) => c.state)).toEqual(['running', 'running', 'running']);
    // Each instance reported on its way, ending all running; each timed.
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)?.instances?.map((i) => i.state)).toEqual(['running', 'running', 'running']);
    for (const cl of res.clones) expect(cl.restoreMs).toBeGreaterThan(0);
    // The source is untouched.
    expect(await execIn(docker, src.id, ['redis-cli', 'get', 'warm'])).toBe('yes');
    for (const cl of res.clones) {
      expect(await execIn(docker, cl.id!, ['redis-cli', 'get', 'warm'])).toBe('yes');
      if (docker_) expect(await redisCommand(cl.ports[0]!.publicPort!, 'GET warm')).toBe('yes');
    }
    if (docker_) expect(new Set(res.clones.map((c) => c.ports[0]?.publicPort)).size).toBe(3);
    record(CLONE_BRIDGE, { state: 'works', ...(docker_ ? { note: 'each on its own published port' } : {}) });
  });

  it('clones on the host network: refused up front for a service holding a port; fine on a Unix socket', async () => {
    // On the host's loopback only, on a port of its own: nothing else on the machine is touched.
    const port = String(16_000 + Math.floor(Math.random() * 4000));
    const tcp = await warmRedis('host', { cmd: [...REDIS, '--bind', '127.0.0.1', '--port', port] });
    await services.checkpoints.create({ engineId: E, container: tcp.id, name: 'warm', leaveRunning: true });
    const before = await snapshot();
    const plan = await services.clones.plan({
      engineId: E,
      container: tcp.id,
      checkpoint: 'warm',
      count: 2,
      prefix: uniqueName('host'),
      ports: { mode: 'none' },
    });
    expect(plan.problems.join('\n')).toMatch(/host network and listens on \d+\/tcp/);
    expect(await snapshot()).toEqual(before);
    await containers.cleanup();

    const { req } = await warmClone('host', 2, 'host', { cmd: REDIS_UNIX });
    if (refusedHere('clone', 'host')) {
      await expectRefused('clone ×2, host network', 'host', () => services.clones.run(req));
      return;
    }
    const res = await services.clones.run(req);
    for (const cl of res.clones) if (cl.id) containers.adopt(cl.id);
    expect(res.clones.map((c) => c.state)).toEqual(['running', 'running']);
    for (const cl of res.clones)
      expect(await execIn(docker, cl.id!, ['redis-cli', '-s', '/tmp/redis.sock', 'get', 'warm'])).toBe('yes');
    record('clone ×2, host network', { state: 'works' });
  });

  it('the slow starter: a clone of the warmed-up service answers at once, a cold one does not', async () => {
    const kind = cloneable();
    const slow = ['sh', '-c', `sleep 8; exec ${REDIS_UNIX.map((a) => (a ? a : "''")).join(' ')}`];
    const ping = (id: string) =>
      execIn(docker, id, ['redis-cli', '-s', '/tmp/redis.sock', 'ping']).catch((e: Error) => e.message);
    const warm = await containers.run({ image: tb.redisImage, cmd: slow, network: network(kind) });
    await eventually(async () => (await ping(warm.id)) === 'PONG', 30_000, 'the warm-up');
    await services.checkpoints.create({
      engineId: E,
      container: warm.id,
      name: 'warmed',
      leaveRunning: true,
    });
    const cold = await containers.run({ image: tb.redisImage, cmd: slow, network: network(kind) });
    const res = await services.clones.run({
      engineId: E,
      container: warm.id,
      checkpoint: 'warmed',
      count: 1,
      prefix: uniqueName('fast'),
      ports: { mode: 'none' },
    });
    const clone = res.clones[0]!;
    if (clone.id) containers.adopt(clone.id);
    expect(clone.state).toBe('running');
    expect(await ping(clone.id!)).toBe('PONG');
    expect(await ping(cold.id)).not.toBe('PONG');
    record('slow starter: a clone answers at once', {
      state: 'works',
      note: `on ${kind === 'none' ? 'no network' : `the ${kind} network`}`,
    });
  });

  it('inspect: the redis checkpoint shows its process and its listening socket', async () => {
    const src = await warmRedis('none');
    await services.checkpoints.create({ engineId: E, container: src.id, name: 'look', leaveRunning: true });
    const res = await services.dispatcher.dispatch('inspections.open', {
      source: { kind: 'engine', engineId: E, container: src.name, checkpoint: 'look' },
    });
    expect(res.ok).toBe(true);
    const i = (
      res as {
        ok: true;
        value: { processes: { comm: string }[]; sockets: { port: number | null; state: string }[] };
      }
    ).value;
    expect(i.processes.map((p) => p.comm)).toContain('redis-server');
    expect(i.sockets.some((s) => s.port === 6379 && s.state === 'listen')).toBe(true);
    record('inspect a checkpoint', { state: 'works' });
  });

  it('schedules: keep K, then after a kill the newest checkpoint brings the pi job back', async () => {
    const job = await containers.run({
      image: tb.piImage,
      cmd: ['awk', '-v', 'n=3000', '-f', '/usr/local/share/pi.awk'],
      network: 'none',
    });
    await eventually(async () => (await piProgress(docker, job.id)).length > 5, 20_000, 'digits');
    const policy = await services.schedules.set(everySchedule(E, job.id, 1000, 2));
    await okRuns(services, policy.id, 4, 40_000, 'four scheduled checkpoints');
    await services.schedules.pause(E, job.id, true);
    await services.schedules.scheduler.idle();
    const kept = (await services.checkpoints.list(E, job.id)).filter((r) => r.status === 'present');
    expect(kept.map((r) => r.origin)).toEqual(['scheduled', 'scheduled']);
    record('schedule: keep the newest K', { state: 'works' });

    await docker.getContainer(job.id).kill({ signal: 'SIGKILL' });
    await eventually(
      async () => !(await docker.getContainer(job.id).inspect()).State.Running,
      15_000,
      'the kill',
    );
    const atKill = (await piProgress(docker, job.id)).at(-1)!;
    const newest = kept.sort((a, b) => b.createdAt - a.createdAt)[0]!;
    if (refusedHere('restore', 'none')) {
      await expectRefused('restore the newest after a crash, no network', 'none', () =>
        services.checkpoints.restore({ engineId: E, container: job.id, replaceRunning: false }),
      );
      return;
    }
    const before = (await piProgress(docker, job.id)).length;
    const res = await services.checkpoints.restore({ engineId: E, container: job.id, replaceRunning: false });
    containers.adopt(res.container.id);
    const resumed = await eventually(
      async () => {
        const p = await piProgress(docker, res.container.id);
        return p.length > before + 2 ? p.slice(before) : undefined;
      },
      30_000,
      'digits after the restore',
    );
    // It goes on from the newest checkpoint: near where it was killed, not from the start.
    expect(resumed[0]).toBeGreaterThan(5);
    expect(resumed[0]).toBeLessThanOrEqual(atKill + 1);
    for (let i = 1; i < resumed.length; i++) expect(resumed[i]).toBe(resumed[i - 1]! + 1);
    expect(newest.origin).toBe('scheduled');
    record('restore the newest after a crash, no network', { state: 'works' });
  });

  it('refusals: a stopped container, a name with ../ — nothing touched', async () => {
    const c = await containers.run({ image: tb.busyboxImage, cmd: ['true'], network: 'none' });
    await eventually(
      async () => (await docker.getContainer(c.id).inspect()).State.Status === 'exited',
      15_000,
      'exit',
    );
    const before = await snapshot();
    const stopped = await services.checkpoints
      .create({ engineId: E, container: c.id, leaveRunning: false })
      .catch((e: StudioError) => e);
    expect(stopped).toMatchObject({ code: 'conflict' });
    expect((stopped as StudioError).message).toMatch(/only a running container can be checkpointed/);
    const traversal = await services.dispatcher.dispatch('checkpoints.create', {
      engineId: E,
      container: c.id,
      name: '../../etc',
    });
    expect(traversal).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(await snapshot()).toEqual(before);
    expect(services.catalog.list(E, c.id)).toEqual([]);
    record('refuses a stopped container and a name with ../', { state: 'works' });
  });
});

/** redis-cli's arguments to reach the redis `cmd` starts: its Unix socket, or its port. */
function redisTarget(cmd: string[]): string[] {
  const at = (flag: string) => (cmd.includes(flag) ? cmd[cmd.indexOf(flag) + 1] : undefined);
  const sock = at('--unixsocket');
  if (sock) return ['-s', sock];
  const port = at('--port');
  return port ? ['-p', port] : [];
}

function redisCli(docker: Docker, cmd: string[]) {
  return (id: string, ...args: string[]) => execIn(docker, id, ['redis-cli', ...redisTarget(cmd), ...args]);
}
