// Schedules against the private engine: on time and pruned, through an app restart, and a failing
// schedule that pauses itself. (Keep K and "restore the newest after a crash" run on every engine
// in stories.int.test.ts.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import { StudioError } from '../ipc/errors';
import { Containers, dockerFor, eventually, PI_JOB, piProgress, plainEngine } from '../../testbed/support';
import { closeServices, everySchedule, okRuns, useTestbed } from '../../testbed/services-support';

const { tb, docker, containers } = useTestbed();
const dirs: string[] = [];
const all: Services[] = [];
const ENGINE = 'testbed';

function services(
  dataDir?: string,
  engines = [{ id: ENGINE, name: 'Test bed', host: tb.dockerHost }],
): Services {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cs-sched-int-'));
  if (!dataDir) dirs.push(dir);
  const s = new Services({ engines, dataDir: dir, host: 'headless', runSchedules: true });
  all.push(s);
  return s;
}

afterAll(async () => {
  for (const s of all) await closeServices({ services: s, dataDir: s.options.dataDir });
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const piJob = () => containers.run({ image: tb.piImage, cmd: PI_JOB });

describe('scheduled checkpoints', () => {
  it('checkpoint on time and prune to K; an app restart loses and repeats nothing', async () => {
    const job = await piJob();
    await eventually(async () => (await piProgress(docker, job.id)).length > 3, 15_000, 'digits');
    const a = services();
    await a.registry.get(ENGINE).whenOnline(10_000);
    const policy = await a.schedules.set(everySchedule(ENGINE, job.name, 1500, 2));
    await okRuns(a, policy.id, 3, 30_000, 'three runs');

    // The app goes away (mid-interval, maybe mid-run) and comes back on the same data folder.
    a.schedules.scheduler.stop();
    await a.schedules.scheduler.idle();
    await a.checkpoints.idle();
    a.dispose();
    all.splice(all.indexOf(a), 1);
    const b = services(dirs[dirs.length - 1]);
    await b.registry.get(ENGINE).whenOnline(10_000);
    await okRuns(b, policy.id, 5, 30_000, 'two more runs');
    b.schedules.scheduler.stop();
    await b.schedules.scheduler.idle();
    await b.checkpoints.idle();

    const runs = b.schedules.store.runs(policy.id).reverse();
    const scheduled = runs.map((r) => r.scheduledFor);
    expect(new Set(scheduled).size).toBe(runs.length);
    // No burst: runs are about an interval apart, never on top of each other.
    for (let i = 1; i < runs.length; i++)
      expect(runs[i]!.startedAt - runs[i - 1]!.startedAt).toBeGreaterThanOrEqual(700);
    expect(runs.every((r) => r.outcome === 'ok')).toBe(true);
    // Pruned to the newest two, on the engine and in the catalog.
    const onEngine = (await b.checkpoints.list(ENGINE, job.id)).filter((r) => r.status === 'present');
    expect(onEngine.map((r) => r.origin)).toEqual(['scheduled', 'scheduled']);
    const newestTwo = runs.slice(-2).map((r) => r.checkpoint);
    expect(onEngine.map((r) => r.name).sort()).toEqual([...newestTwo].sort());
    expect((await docker.getContainer(job.id).inspect()).State.Running).toBe(true);
  });

  it('a schedule that keeps failing pauses itself and says why; the container keeps running', async () => {
    const host = plainEngine();
    const plainDocker = dockerFor(host);
    const plainContainers = new Containers(plainDocker);
    try {
      const job = await plainContainers.run({
        image: tb.piImage,
        cmd: ['awk', '-v', 'n=3000', '-f', '/usr/local/share/pi.awk'],
      });
      const s = services(undefined, [{ id: 'plain', name: 'Plain', host }]);
      await s.registry.get('plain').whenOnline(10_000);
      const failures: string[] = [];
      s.bus.on('schedules.ran', (r) => {
        if (r.outcome === 'failed') failures.push(r.error ?? '');
      });
      // Setting a schedule on an engine that cannot checkpoint is refused at once…
      await expect(s.schedules.set(everySchedule('plain', job.id, 1000, 3, 2))).rejects.toMatchObject({
        code: 'experimental-off',
      });
      // …so this is the case of a schedule set while the engine could, whose experimental mode was turned off since.
      const policy = s.schedules.store.upsert(
        {
          engineId: 'plain',
          containerId: job.id,
          containerName: job.name,
          everyMs: 1000,
          keepLast: 3,
          keepHourly: 0,
          keepDaily: 0,
          budgetBytes: null,
          maxFailures: 2,
        },
        Date.now(),
      );
      s.schedules.scheduler.wake();
      await eventually(
        () => s.schedules.store.byId(policy.id)!.state === 'paused',
        20_000,
        'the policy to pause',
      );
      const p = s.schedules.store.byId(policy.id)!;
      expect(p.pausedReason).toMatch(/Paused after 2 failed runs in a row.*experimental mode (is )?off/);
      expect(failures).toHaveLength(2);
      expect(failures[0]).toMatch(/--experimental/);
      expect((await plainDocker.getContainer(job.id).inspect()).State.Running).toBe(true);
      // Paused means paused: no more runs.
      await new Promise((r) => setTimeout(r, 2500));
      expect(s.schedules.store.runs(policy.id)).toHaveLength(2);
    } finally {
      await plainContainers.cleanup();
    }
  });

  it("a new schedule's retention never deletes what an earlier schedule made", async () => {
    const job = await piJob();
    const s = services();
    await s.registry.get(ENGINE).whenOnline(10_000);
    const policy = (keepLast: number) => s.schedules.set(everySchedule(ENGINE, job.id, 1000, keepLast));
    const first = await policy(5);
    await okRuns(s, first.id, 2, 30_000, 'two checkpoints of the first schedule');
    await s.schedules.remove(ENGINE, job.id);
    await s.schedules.scheduler.idle();
    const earlier = (await s.checkpoints.list(ENGINE, job.id)).map((r) => r.name);
    expect(earlier.length).toBeGreaterThanOrEqual(2);
    const second = await policy(1);
    await okRuns(s, second.id, 3, 30_000, 'three checkpoints of the second schedule');
    await s.schedules.pause(ENGINE, job.id, true);
    await s.schedules.scheduler.idle();
    const now = (await s.checkpoints.list(ENGINE, job.id))
      .filter((r) => r.status === 'present')
      .map((r) => r.name);
    // The first schedule's checkpoints are all still there; the second keeps one of its own.
    expect(now).toEqual(expect.arrayContaining(earlier));
    expect(now.length).toBe(earlier.length + 1);
  });

  it('refuses nonsense before it is stored', async () => {
    const s = services();
    const res = await s.dispatcher.dispatch('schedules.set', {
      engineId: ENGINE,
      container: 'x',
      everyMs: 10,
      keepLast: 0,
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(s.schedules.list()).toEqual([]);
    await expect(s.schedules.pause(ENGINE, 'nobody', true)).rejects.toBeInstanceOf(StudioError);
  });
});
