// The engine restarted in the middle of a clone of N: the app reconnects, reports each clone,
// removes the half-made ones (once the engine answers again), and the source checkpoint is intact.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, execIn, testbed, uniqueName } from '../../testbed/support';
import { useServices, useTestbed } from '../../testbed/services-support';
import { listCheckpoints } from '../engines/docker/docker-checkpoints';

const hostB = testbed().engines.b!;
const { tb, docker, containers } = useTestbed(hostB);
const { services } = useServices(
  { engines: [{ id: 'b', name: 'B', host: hostB }] },
  { prefix: 'cs-restart-' },
);

function restartEngine(): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('bash', [path.resolve(__dirname, '../../testbed/testbed.sh'), 'restart', 'b'], {
      stdio: 'ignore',
    });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`restart exited ${code}`))));
  });
}

describe('engine restarted mid-clone', () => {
  it('reports each clone, leaves no half-made one, keeps the source checkpoint', async () => {
    await services.registry.get('b').whenOnline(10_000);
    const src = await containers.run({
      image: tb.redisImage,
      cmd: ['redis-server', '--save', '', '--proto-max-bulk-len', '1gb'],
    });
    await eventually(
      async () => (await execIn(docker, src.id, ['redis-cli', 'ping'])) === 'PONG',
      15_000,
      'redis',
    );
    // Large enough that the clones are still being restored when the engine goes.
    await execIn(docker, src.id, ['redis-cli', 'setrange', 'k', '150000000', 'x']);
    await services.checkpoints.create({ engineId: 'b', container: src.id, name: 'base', leaveRunning: true });
    const prefix = uniqueName('mid');
    let restarting: Promise<void> | null = null;
    const off = services.bus.on('operations.progressed', (p) => {
      if (p.opId === 'restart-test-01' && !restarting && p.instances?.some((i) => i.state === 'restoring'))
        restarting = restartEngine();
    });
    const res = await services.clones.run({
      engineId: 'b',
      container: src.id,
      checkpoint: 'base',
      count: 5,
      prefix,
      ports: { mode: 'none' },
      opId: 'restart-test-01',
    });
    off();
    await restarting;
    expect(restarting).not.toBeNull();
    // Every clone is reported; the operation as a whole did not succeed.
    expect(res.clones.map((c) => c.name)).toEqual([1, 2, 3, 4, 5].map((i) => `${prefix}-${i}`));
    expect(res.ok).toBe(false);
    expect(res.clones.filter((c) => c.state === 'failed').length).toBeGreaterThan(0);
    for (const c of res.clones.filter((x) => x.state === 'failed')) expect(c.error).toBeTruthy();

    // Back online by itself; then nothing is left that the report does not account for.
    await eventually(() => services.registry.get('b').status.state === 'online', 60_000, 'the engine back');
    const reportedRunning = new Set(res.clones.filter((c) => c.state === 'running').map((c) => c.id));
    await eventually(
      async () => {
        const left = (await docker.listContainers({ all: true })).filter((c) =>
          c.Names.some((n) => n.startsWith(`/${prefix}-`)),
        );
        for (const c of left) containers.adopt(c.Id);
        return left.every((c) => reportedRunning.has(c.Id));
      },
      30_000,
      'half-made clones removed',
    );
    expect(services.catalog.pendingRemovals('b')).toEqual([]);
    // The source checkpoint is intact on the engine.
    expect(await listCheckpoints(services.registry.get('b').engine, src.id)).toContain('base');
  });
});
