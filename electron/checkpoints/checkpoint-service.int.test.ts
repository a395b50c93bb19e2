// Docker 20.10's checkpoint service beyond the stories (those run on every engine, in
// stories.int.test.ts): every refusal or failure is clear and leaves nothing behind, and the
// catalog follows what happens to checkpoints outside the app.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { COUNTER_SCRIPT, counted, eventually, execIn, uniqueName } from '../../testbed/support';
import { expectStudioError as expectError, useServices, useTestbed } from '../../testbed/services-support';

const ENGINE = 'testbed';
const { tb, docker, containers } = useTestbed();
const { services } = useServices({ engines: [{ id: ENGINE, name: 'Test bed', host: tb.dockerHost }] });

/** Every container on the engine, helpers included, to prove nothing was left behind. */
async function allContainerIds(): Promise<string[]> {
  return (await docker.listContainers({ all: true }))
    .map((c) => `${c.Id} ${c.Names.join(',')} ${JSON.stringify(c.Labels)}`)
    .sort();
}

async function counter(): Promise<{ id: string; name: string }> {
  const c = await containers.run({ image: tb.busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
  await counted(docker, c.id, 3, 'the counter to count');
  return c;
}

describe('refusals and failures are clear and leave nothing behind', () => {
  it('restore of a missing checkpoint names the ones that exist', async () => {
    const c = await counter();
    await services.checkpoints.create({
      engineId: ENGINE,
      container: c.id,
      name: 'real-one',
      leaveRunning: true,
    });
    // The catalog's scan of a new checkpoint uses a helper container: let it finish first.
    await services.checkpoints.idle();
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
    // The catalog's scan of a new checkpoint uses a helper container: let it finish first.
    await services.checkpoints.idle();
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
    // The catalog's scan of a new checkpoint uses a helper container: let it finish first.
    await services.checkpoints.idle();
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

describe('rows of a container that is gone', () => {
  it('can be removed by its name, as the CLI and the UI do', async () => {
    const c = await counter();
    await services.checkpoints.create({
      engineId: ENGINE,
      container: c.id,
      name: 'left',
      leaveRunning: true,
    });
    await services.checkpoints.idle();
    await docker.getContainer(c.id).remove({ force: true });
    const conn = services.registry.get(ENGINE);
    await eventually(() => !conn.list().some((r) => r.id === c.id), 10_000, 'the removal seen');
    await services.checkpoints.list(ENGINE);
    expect(services.catalog.get(ENGINE, c.id, 'left')?.status).toBe('missing');
    expect(await services.checkpoints.remove(ENGINE, c.name, 'left')).toBe(true);
    expect(services.catalog.get(ENGINE, c.id, 'left')).toBeNull();
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
    // A port the plan found free is taken by another process while the clones are being made (a
    // race no check can close): the first clone fails when it starts, as it would on a user's machine.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '0.0.0.0', resolve));
    const held = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const blocker = net.createServer();
    const prefix = uniqueName('partial');
    const opId = `partial-${prefix.slice(-8)}`;
    const off = services.bus.on('operations.progressed', (p) => {
      if (p.opId === opId && /Copying/.test(p.message) && !blocker.listening)
        blocker.listen(held, '127.0.0.1');
    });
    // The catalog's scan of a new checkpoint uses a helper container: let it finish first.
    await services.checkpoints.idle();
    const before = await allContainerIds();
    try {
      const res = await services.clones.run({
        engineId: ENGINE,
        container: src.id,
        checkpoint: 'base',
        count: 3,
        prefix,
        ports: { mode: 'range', from: held, to: held + 50 },
        opId,
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
      expect(
        after.length,
        `gone: ${before.filter((x) => !after.includes(x)).join(',')}; new: ${after.filter((x) => !before.includes(x)).join(',')}`,
      ).toBe(before.length + 2);
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
      off();
      blocker.close();
    }
  });

  it('a port any process holds counts: the plan leaves it out, or says the range is too small', async () => {
    const src = await containers.run({ image: tb.redisImage, network: tb.network, ports: [6379] });
    await eventually(
      async () => (await execIn(docker, src.id, ['redis-cli', 'ping'])) === 'PONG',
      15_000,
      'redis',
    );
    await services.checkpoints.create({
      engineId: ENGINE,
      container: src.id,
      name: 'base',
      leaveRunning: true,
    });
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const held = (blocker.address() as net.AddressInfo).port;
    try {
      const base = { engineId: ENGINE, container: src.id, checkpoint: 'base', prefix: uniqueName('held') };
      const tight = await services.clones.plan({
        ...base,
        count: 2,
        ports: { mode: 'range', from: held, to: held + 1 },
      });
      expect(tight.problems.join('\n')).toMatch(/has 1 free port; 2 clones need 2/);
      const res = await services.clones.run({
        ...base,
        count: 2,
        ports: { mode: 'range', from: held, to: held + 10 },
      });
      for (const c of res.clones) if (c.id) containers.adopt(c.id);
      expect(res.ok).toBe(true);
      expect(res.clones.flatMap((c) => c.ports.map((p) => p.publicPort))).not.toContain(held);
    } finally {
      blocker.close();
    }
  });
});
