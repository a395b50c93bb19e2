// Faults the engine really produces, each ending with "nothing lost": CRIU killed in the middle of
// a dump (the test bed's criu wrapper), and a full disk (the "tiny" engine's tmpfs data root).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StudioError } from '../ipc/errors';
import { COUNTER_SCRIPT, counterValues, dockerFor, eventually, execIn, testbed } from '../../testbed/support';
import { useServices, useTestbed } from '../../testbed/services-support';

const tb = testbed();
const FAULT = '/run/checkpoint-studio-testbed/faults/kill-criu-after';
const tiny = tb.engines.tiny;
if (!tiny) throw new Error('the test bed\'s "tiny" engine is not up: npm test starts it');
const { docker, containers } = useTestbed();
const { containers: tinyContainers } = useTestbed(tiny);
const { services } = useServices(
  {
    engines: [
      { id: 'tb', name: 'Test bed', host: tb.dockerHost },
      { id: 'tiny', name: 'Tiny', host: tiny },
    ],
  },
  { prefix: 'cs-faults-' },
);
afterEach(() => fs.rmSync(FAULT, { force: true }));

describe('faults', () => {
  it('CRIU killed in the middle of a dump: the processes go on, no half checkpoint, the catalog unchanged', async () => {
    const c = await containers.run({
      image: tb.redisImage,
      cmd: ['sh', '-c', `${COUNTER_SCRIPT.replace('sleep 1', 'sleep 0.2')}`],
    });
    await eventually(async () => (await counterValues(docker, c.id)).length >= 3, 15_000, 'counting');
    // Enough memory that the dump is still running when CRIU is killed.
    const big = await containers.run({
      image: tb.redisImage,
      cmd: ['redis-server', '--save', '', '--proto-max-bulk-len', '1gb'],
    });
    await eventually(
      async () => (await execIn(docker, big.id, ['redis-cli', 'ping'])) === 'PONG',
      15_000,
      'redis',
    );
    await execIn(docker, big.id, ['redis-cli', 'setrange', 'k', '600000000', 'x']);
    fs.writeFileSync(FAULT, '0.2');
    const err = await services.checkpoints
      .create({ engineId: 'tb', container: big.id, name: 'half', leaveRunning: false })
      .catch((e: unknown) => e);
    fs.rmSync(FAULT, { force: true });
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('criu-failed');
    expect((err as StudioError).message).toMatch(/nothing was saved/);
    // No half checkpoint anywhere.
    expect(await services.checkpoints.list('tb', big.id)).toEqual([]);
    expect(
      fs.readdirSync(
        path.join(services.registry.get('tb').identity!.dataRoot, 'containers', big.id, 'checkpoints'),
      ).length,
    ).toBe(0);
    // Its processes run: not frozen, not dead.
    const info = await docker.getContainer(big.id).inspect();
    expect(info.State.Running).toBe(true);
    const pid = info.State.Pid;
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0];
    expect(['S', 'R']).toContain(state);
    // And the app can still checkpoint it once CRIU behaves (after the engine's mark clears).
    if (info.State.Paused) expect((err as StudioError).message).toMatch(/still marks it paused/);
    // The other container, untouched, counted on throughout.
    const before = (await counterValues(docker, c.id)).length;
    await eventually(async () => (await counterValues(docker, c.id)).length > before, 10_000, 'counting on');
  });

  it('a full disk: a clear error naming the cause, the container keeps running', async () => {
    const tinyDocker = dockerFor(tiny!);
    const r = await tinyContainers!.run({
      image: tb.redisImage,
      cmd: ['redis-server', '--save', '', '--proto-max-bulk-len', '1gb'],
    });
    await eventually(
      async () => (await execIn(tinyDocker, r.id, ['redis-cli', 'ping'])) === 'PONG',
      15_000,
      'redis',
    );
    // More memory than the engine's disk can hold.
    await execIn(tinyDocker, r.id, ['redis-cli', 'setrange', 'k', '150000000', 'x']);
    const err = await services.checkpoints
      .create({ engineId: 'tiny', container: r.id, name: 'wont-fit', leaveRunning: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).message).toMatch(/disk is full/);
    expect((err as StudioError).details?.join(' ')).toMatch(/no space left on device/);
    expect((err as StudioError).hint).toMatch(/Free space/);
    expect((await tinyDocker.getContainer(r.id).inspect()).State.Running).toBe(true);
    expect(await execIn(tinyDocker, r.id, ['redis-cli', 'strlen', 'k'])).toBe('150000001');
    expect(services.catalog.list('tiny', r.id)).toEqual([]);
  });
});
