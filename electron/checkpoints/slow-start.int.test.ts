// Story 3: a service that is ready only after a long warm-up. A cold container is not ready for
// its first seconds; a clone from a checkpoint taken after the warm-up answers at once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import { Containers, dockerFor, eventually, execIn, testbed, uniqueName } from '../../testbed/support';

const tb = testbed();
const docker = dockerFor(tb.dockerHost);
const containers = new Containers(docker);
const ENGINE = 'testbed';
const WARM_UP_S = 20;
const SLOW_REDIS = [
  'sh',
  '-c',
  `sleep ${WARM_UP_S}; exec redis-server --protected-mode no --save '' --appendonly no`,
];
let services: Services;
let dataDir: string;

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

const ping = (id: string) => execIn(docker, id, ['redis-cli', 'ping']).catch((e: Error) => e.message);

describe('story 3: slow start made fast', () => {
  it('a clone of the warmed-up service answers on its first try; a cold one does not', async () => {
    const warm = await containers.run({ image: tb.redisImage, cmd: SLOW_REDIS });
    await eventually(
      async () => (await ping(warm.id)) === 'PONG',
      (WARM_UP_S + 15) * 1000,
      'the slow service to warm up',
    );
    await execIn(docker, warm.id, ['redis-cli', 'set', 'warmed', 'up']);
    await services.checkpoints.create({
      engineId: ENGINE,
      container: warm.id,
      name: 'warmed',
      leaveRunning: true,
    });

    const cold = await containers.run({ image: tb.redisImage, cmd: SLOW_REDIS });
    const result = await services.clones.run({
      engineId: ENGINE,
      container: warm.id,
      checkpoint: 'warmed',
      count: 1,
      prefix: uniqueName('fast'),
      ports: { mode: 'none' },
    });
    const clone = result.clones[0]!;
    if (clone.id) containers.adopt(clone.id);
    expect(clone.state).toBe('running');
    // Asked once, right away: no retry, no waiting.
    expect(await ping(clone.id!)).toBe('PONG');
    expect(await execIn(docker, clone.id!, ['redis-cli', 'get', 'warmed'])).toBe('up');
    // The cold container, started before the clone, is still warming up.
    expect(await ping(cold.id)).not.toBe('PONG');
  });
});
