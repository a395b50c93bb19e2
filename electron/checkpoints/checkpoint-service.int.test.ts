// The heart of the product against the private engine and real CRIU: the number printer resumes
// where it stopped; redis clones come up warm; and every refusal or failure is clear and leaves
// nothing behind.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import { unwrap } from '../ipc/dispatcher';
import { StudioError } from '../ipc/errors';
import {
  Containers,
  COUNTER_SCRIPT,
  counterValues,
  dockerFor,
  eventually,
  execIn,
  redisCommand,
  testbed,
  uniqueName,
} from '../../testbed/support';

const tb = testbed();
const docker = dockerFor(tb.dockerHost);
const containers = new Containers(docker);
let services: Services;
let dataDir: string;
const ENGINE = 'testbed';

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-int-'));
  services = new Services({
    engines: [{ id: ENGINE, name: 'Test bed', host: tb.dockerHost }],
    dataDir,
    host: 'browser',
  });
  await services.registry.get(ENGINE).whenOnline(10_000);
});

afterAll(async () => {
  await services.checkpoints.idle();
  services.dispose();
  await containers.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function call<N extends Parameters<Services['dispatcher']['dispatch']>[0] & string>(
  name: N,
  args: unknown,
) {
  return unwrap(await services.dispatcher.dispatch(name, args)) as never;
}

async function expectError(p: Promise<unknown>, code: string): Promise<StudioError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(StudioError);
    expect((e as StudioError).code).toBe(code);
    return e as StudioError;
  }
  throw new Error(`expected a ${code} error`);
}

/** Every container on the engine, helpers included, to prove nothing was left behind. */
async function allContainerIds(): Promise<string[]> {
  return (await docker.listContainers({ all: true })).map((c) => c.Id).sort();
}

async function counter(): Promise<{ id: string; name: string }> {
  const c = await containers.run({ image: tb.busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
  await eventually(
    async () => (await counterValues(docker, c.id)).length >= 3,
    15_000,
    'the counter to count',
  );
  return c;
}

describe('story 1: the number printer resumes where it stopped', () => {
  it('checkpoint (stop), restore: the count goes on, not from 0', async () => {
    const c = await counter();
    const record = (await call('checkpoint.create', {
      engineId: ENGINE,
      container: c.name,
      name: 'before-pause',
    })) as {
      name: string;
      mode: string;
      origin: string;
      durationMs: number;
    };
    expect(record).toMatchObject({ name: 'before-pause', mode: 'stopped', origin: 'manual' });
    expect(record.durationMs).toBeGreaterThan(0);
    const info = await docker.getContainer(c.id).inspect();
    expect(info.State.Running).toBe(false);
    const atCheckpoint = await counterValues(docker, c.id);
    const last = atCheckpoint[atCheckpoint.length - 1]!;
    expect(last).toBeGreaterThanOrEqual(2);

    // Long enough that a fresh start would be visibly behind.
    await new Promise((r) => setTimeout(r, 1500));
    const restored = (await call('checkpoint.restore', {
      engineId: ENGINE,
      container: c.name,
      checkpoint: 'before-pause',
    })) as {
      container: { state: string };
      replaced: boolean;
    };
    expect(restored.container.state).toBe('running');
    expect(restored.replaced).toBe(false);
    const after = await eventually(
      async () => {
        const v = await counterValues(docker, c.id);
        return v.length >= atCheckpoint.length + 3 ? v : undefined;
      },
      15_000,
      'new numbers after the restore',
    );
    const resumed = after.slice(atCheckpoint.length);
    expect(resumed[0]).toBe(last + 1);
    for (let i = 1; i < resumed.length; i++) expect(resumed[i]).toBe(resumed[i - 1]! + 1);
    expect(resumed).not.toContain(0);

    // The catalog knows it, with what the files say.
    await services.checkpoints.idle();
    const list = (await call('checkpoints.list', { engineId: ENGINE, container: c.name })) as {
      name: string;
      status: string;
      sizeBytes: number;
      pagesBytes: number;
      pagesDumped: number;
      processes: { comm: string }[];
    }[];
    const row = list.find((r) => r.name === 'before-pause')!;
    expect(row.status).toBe('present');
    expect(row.sizeBytes).toBeGreaterThan(row.pagesBytes);
    expect(row.pagesBytes).toBe(row.pagesDumped * 4096);
    expect(row.processes.map((p) => p.comm)).toEqual(expect.arrayContaining(['sh', 'sleep']));
  });

  it('leave running: the container keeps counting, and the checkpoint restores later', async () => {
    const c = await counter();
    const record = (await call('checkpoint.create', {
      engineId: ENGINE,
      container: c.id,
      leaveRunning: true,
    })) as { name: string; mode: string };
    expect(record.mode).toBe('running');
    expect(record.name).toMatch(/^cp-\d{8}-\d{6}$/);
    expect((await docker.getContainer(c.id).inspect()).State.Running).toBe(true);
    const before = (await counterValues(docker, c.id)).length;
    await eventually(
      async () => (await counterValues(docker, c.id)).length > before + 1,
      10_000,
      'counting on',
    );

    // Restoring into a running container replaces its state: refused unless confirmed.
    const refused = await expectError(
      services.checkpoints.restore({ engineId: ENGINE, container: c.id, replaceRunning: false }),
      'conflict',
    );
    expect(refused.message).toContain('is running');
    const res = await services.checkpoints.restore({
      engineId: ENGINE,
      container: c.id,
      replaceRunning: true,
    });
    expect(res.replaced).toBe(true);
    expect(res.container.state).toBe('running');
  });
});

describe('story 2: warm redis clones', () => {
  it('clones N=3 from one checkpoint: each holds the data, on its own port', async () => {
    const src = await containers.run({ image: tb.redisImage, network: tb.network, ports: [6379] });
    await eventually(
      async () => (await execIn(docker, src.id, ['redis-cli', 'ping'])) === 'PONG',
      15_000,
      'redis up',
    );
    await execIn(docker, src.id, ['redis-cli', 'set', 'warm', 'yes']);
    await execIn(docker, src.id, [
      'sh',
      '-c',
      'seq 1 5000 | sed "s/.*/SET key:& &/" | redis-cli > /dev/null',
    ]);
    expect(await execIn(docker, src.id, ['redis-cli', 'dbsize'])).toBe('5001');

    await call('checkpoint.create', {
      engineId: ENGINE,
      container: src.name,
      name: 'warm',
      leaveRunning: true,
    });
    const prefix = uniqueName('warm');
    const plan = (await call('clone.plan', {
      engineId: ENGINE,
      container: src.name,
      checkpoint: 'warm',
      count: 3,
      prefix,
    })) as {
      names: string[];
      problems: string[];
      sourcePorts: string[];
    };
    expect(plan).toEqual({
      names: [`${prefix}-1`, `${prefix}-2`, `${prefix}-3`],
      problems: [],
      sourcePorts: ['6379/tcp'],
    });

    const progress: { instances?: { state: string }[] }[] = [];
    const off = services.bus.on('operation.progress', (p) => {
      if (p.opId === 'clone-test-0001') progress.push(p);
    });
    const result = (await call('clone.run', {
      engineId: ENGINE,
      container: src.name,
      checkpoint: 'warm',
      count: 3,
      prefix,
      opId: 'clone-test-0001',
    })) as {
      ok: boolean;
      clones: {
        name: string;
        id: string;
        state: string;
        ports: { publicPort?: number }[];
        restoreMs: number;
      }[];
    };
    off();
    for (const cl of result.clones) if (cl.id) containers.adopt(cl.id);
    expect(result.ok).toBe(true);
    expect(result.clones.map((c) => c.state)).toEqual(['running', 'running', 'running']);
    const ports = result.clones.map((c) => c.ports[0]?.publicPort);
    expect(new Set(ports).size).toBe(3);
    for (const cl of result.clones) {
      // Through the engine, and from the host over the clone's own published port.
      expect(await execIn(docker, cl.id, ['redis-cli', 'get', 'warm'])).toBe('yes');
      expect(await execIn(docker, cl.id, ['redis-cli', 'dbsize'])).toBe('5001');
      expect(await redisCommand(cl.ports[0]!.publicPort!, 'GET warm')).toBe('yes');
      expect(cl.restoreMs).toBeGreaterThan(0);
      // The copy of the checkpoint was removed once the clone was up.
      expect(
        await docker
          .getContainer(cl.id)
          .inspect()
          .then((i) => i.Name),
      ).toBe(`/${cl.name}`);
    }
    // Progress was reported per instance, ending with all running.
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)?.instances?.map((i) => i.state)).toEqual(['running', 'running', 'running']);
    // The source is untouched.
    expect(await execIn(docker, src.id, ['redis-cli', 'get', 'warm'])).toBe('yes');
  });
});

describe('refusals and failures are clear and leave nothing behind', () => {
  it('checkpoint of a stopped container', async () => {
    const c = await containers.run({ image: tb.busyboxImage, cmd: ['true'] });
    await eventually(async () => !(await docker.getContainer(c.id).inspect()).State.Running, 10_000, 'exit');
    const before = await allContainerIds();
    const e = await expectError(
      services.checkpoints.create({ engineId: ENGINE, container: c.name, leaveRunning: false }),
      'conflict',
    );
    expect(e.message).toMatch(/only a running container can be checkpointed/);
    expect(await allContainerIds()).toEqual(before);
    expect(services.catalog.list(ENGINE, c.id)).toEqual([]);
  });

  it('restore of a missing checkpoint names the ones that exist', async () => {
    const c = await counter();
    await services.checkpoints.create({
      engineId: ENGINE,
      container: c.id,
      name: 'real-one',
      leaveRunning: true,
    });
    const before = await allContainerIds();
    const e = await expectError(
      services.checkpoints.restore({
        engineId: ENGINE,
        container: c.id,
        checkpoint: 'no-such',
        replaceRunning: true,
      }),
      'not-found',
    );
    expect(e.hint).toContain('real-one');
    expect((await docker.getContainer(c.id).inspect()).State.Running).toBe(true);
    expect(await allContainerIds()).toEqual(before);
  });

  it('clone onto a taken name is refused before anything is created', async () => {
    const c = await counter();
    await services.checkpoints.create({ engineId: ENGINE, container: c.id, name: 'src', leaveRunning: true });
    const prefix = uniqueName('taken');
    await containers.run({ name: `${prefix}-2`, image: tb.busyboxImage, cmd: ['sleep', '600'] });
    await eventually(
      () =>
        services.registry
          .get(ENGINE)
          .list()
          .some((r) => r.name === `${prefix}-2`),
      5000,
      'seen',
    );
    const before = await allContainerIds();
    const e = await expectError(
      services.clones.run({
        engineId: ENGINE,
        container: c.id,
        checkpoint: 'src',
        count: 3,
        prefix,
        ports: { mode: 'auto' },
      }),
      'invalid-argument',
    );
    expect(e.message).toContain(`${prefix}-2`);
    expect(await allContainerIds()).toEqual(before);
  });

  it('a checkpoint name with ../ never reaches the engine', async () => {
    const c = await counter();
    const before = await allContainerIds();
    const res = await services.dispatcher.dispatch('checkpoint.create', {
      engineId: ENGINE,
      container: c.id,
      name: '../../etc',
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(await allContainerIds()).toEqual(before);
    expect(
      await docker
        .getContainer(c.id)
        .inspect()
        .then((i) => i.State.Running),
    ).toBe(true);
  });

  it('Docker cannot keep TCP connections: said, not silently dropped', async () => {
    const c = await counter();
    const e = await expectError(
      services.checkpoints.create({
        engineId: ENGINE,
        container: c.id,
        leaveRunning: true,
        tcpEstablished: true,
      }),
      'unsupported',
    );
    expect(e.hint).toMatch(/tcp-established/);
  });

  it("CRIU failing (an external Unix socket) shows CRIU's words; the container keeps running", async () => {
    const volume = uniqueName('cs-sock');
    const server = await containers.run({
      image: tb.redisImage,
      cmd: [
        'redis-server',
        '--port',
        '0',
        '--unixsocket',
        '/shared/redis.sock',
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      binds: [`${volume}:/shared`],
    });
    await eventually(
      async () =>
        (await execIn(docker, server.id, ['redis-cli', '-s', '/shared/redis.sock', 'ping'])) === 'PONG',
      15_000,
      'socket up',
    );
    const client = await containers.run({
      image: tb.redisImage,
      cmd: ['redis-cli', '-s', '/shared/redis.sock', '-r', '-1', '-i', '1', 'ping'],
      binds: [`${volume}:/shared`],
    });
    await eventually(
      async () => (await docker.getContainer(client.id).logs({ stdout: true })).toString().includes('PONG'),
      15_000,
      'client talking',
    );
    const before = await allContainerIds();
    const e = await expectError(
      services.checkpoints.create({
        engineId: ENGINE,
        container: client.id,
        name: 'doomed',
        leaveRunning: false,
      }),
      'criu-failed',
    );
    expect(e.message).toMatch(/Unix socket connected to something outside it/);
    expect(e.message).toMatch(/still running/);
    expect(e.details?.join('\n')).toMatch(/External socket is used/);
    expect((await docker.getContainer(client.id).inspect()).State.Running).toBe(true);
    expect(services.catalog.list(ENGINE, client.id)).toEqual([]);
    expect(await allContainerIds()).toEqual(before);
    await containers.cleanup();
    await docker
      .getVolume(volume)
      .remove()
      .catch(() => undefined);
  });
});

describe('the catalog follows the engine', () => {
  it('a container without checkpoints lists none', async () => {
    const c = await counter();
    expect(await services.checkpoints.list(ENGINE, c.id)).toEqual([]);
  });

  it('checkpoints made outside the app appear; ones deleted outside are marked missing, note kept', async () => {
    const c = await counter();
    const cli = (...args: string[]) =>
      new Promise<void>((resolve, reject) =>
        execFile(
          tb.dockerCli,
          args,
          { env: { ...process.env, DOCKER_HOST: tb.dockerHost } },
          (err, _o, stderr) => (err ? reject(new Error(stderr)) : resolve()),
        ),
      );
    await cli('checkpoint', 'create', '--leave-running', c.name, 'by-hand');
    const listed = await services.checkpoints.list(ENGINE, c.name);
    expect(listed.map((r) => [r.name, r.origin, r.status])).toEqual([['by-hand', 'external', 'present']]);
    await services.checkpoints.idle();
    const scanned = services.catalog.get(ENGINE, c.id, 'by-hand')!;
    expect(scanned.sizeBytes).toBeGreaterThan(0);
    expect(scanned.processes?.map((p) => p.comm)).toContain('sh');
    // Its time is when CRIU wrote it, from the files, not when the app first saw it.
    expect(Math.abs(scanned.createdAt - Date.now())).toBeLessThan(60_000);

    await services.checkpoints.setNote(ENGINE, c.id, 'by-hand', 'made with the docker CLI');
    await cli('checkpoint', 'rm', c.name, 'by-hand');
    const after = await services.checkpoints.list(ENGINE, c.name);
    expect(after.map((r) => [r.name, r.status, r.note])).toEqual([
      ['by-hand', 'missing', 'made with the docker CLI'],
    ]);
  });
});

describe('a clone that partly fails', () => {
  it('reports each instance, removes the failed one, keeps the rest and the source checkpoint', async () => {
    const src = await containers.run({ image: tb.redisImage, network: tb.network, ports: [6379] });
    await eventually(
      async () => (await execIn(docker, src.id, ['redis-cli', 'ping'])) === 'PONG',
      15_000,
      'redis up',
    );
    await services.checkpoints.create({
      engineId: ENGINE,
      container: src.id,
      name: 'base',
      leaveRunning: true,
    });
    // A process outside the engine holds the first port of the range: the engine cannot know,
    // so the first clone fails when it starts, as it would on a user's machine.
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const held = (blocker.address() as net.AddressInfo).port;
    const prefix = uniqueName('partial');
    const before = await allContainerIds();
    try {
      const res = await services.clones.run({
        engineId: ENGINE,
        container: src.id,
        checkpoint: 'base',
        count: 3,
        prefix,
        ports: { mode: 'range', from: held, to: held + 50 },
      });
      for (const c of res.clones) if (c.id) containers.adopt(c.id);
      expect(res.ok).toBe(false);
      const first = res.clones[0]!;
      expect(first).toMatchObject({ name: `${prefix}-1`, state: 'failed', id: null });
      expect(first.error).toMatch(/address already in use|port is already allocated|bind/i);
      expect(res.clones.slice(1).map((c) => c.state)).toEqual(['running', 'running']);
      for (const c of res.clones.slice(1))
        expect(await execIn(docker, c.id!, ['redis-cli', 'ping'])).toBe('PONG');
      // Only the two good clones were added; the failed one is gone, helpers too.
      const after = await allContainerIds();
      expect(after.length).toBe(before.length + 2);
      expect(
        await docker
          .getContainer(`${prefix}-1`)
          .inspect()
          .catch(() => null),
      ).toBeNull();
      // The source checkpoint is intact.
      expect(await services.checkpoints.list(ENGINE, src.id)).toEqual([
        expect.objectContaining({ name: 'base', status: 'present' }),
      ]);
    } finally {
      blocker.close();
    }
  });
});
