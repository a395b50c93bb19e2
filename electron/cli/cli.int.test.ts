// The command line against the private engine, in-process, through the same services.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Containers, dockerFor, testbed, uniqueName } from '../../testbed/support';
import type { CliIo } from './cli-io';
import { main } from './main';

const tb = testbed();
const containers = new Containers(dockerFor(tb.dockerHost));
// Never the user's own catalog: each run of this file gets a data folder of its own.
const HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-cli-home-'));
afterAll(async () => {
  await containers.cleanup();
  fs.rmSync(HOME, { recursive: true, force: true });
});

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: { DOCKER_HOST: tb.dockerHost, CHECKPOINT_STUDIO_HOME: HOME, ...env },
  };
  return { value, out: () => out.join('\n'), err: () => err.join('\n') };
}

describe('checkpoint-studio CLI', () => {
  it('ps lists a running container, as a table and as JSON', async () => {
    const name = uniqueName('cli-ps');
    await containers.run({ name, image: tb.busyboxImage, cmd: ['sleep', '600'] });
    const t = io();
    expect(await main(['ps'], t.value)).toBe(0);
    expect(t.out()).toMatch(new RegExp(`^${name}\\s+${tb.busyboxImage.replace(/[.]/g, '\\.')}\\s+Up`, 'm'));
    const j = io();
    expect(await main(['ps', '--json'], j.value)).toBe(0);
    const rows = JSON.parse(j.out()) as { name: string; state: string }[];
    expect(rows.find((r) => r.name === name)?.state).toBe('running');
  });

  it('doctor --json exits 0 with nothing blocking here', async () => {
    const t = io();
    expect(await main(['doctor', '--json'], t.value)).toBe(0);
    const report = JSON.parse(t.out()) as { items: { id: string; status: string; detail: string }[] };
    expect(report.items.find((i) => i.id === 'criu.version')?.detail).toMatch(/CRIU 4\.2/);
  });

  it('export writes an archive; import makes containers of it, and says which failed', async () => {
    const name = uniqueName('cli-export');
    const c = await containers.run({
      name,
      image: tb.busyboxImage,
      cmd: ['sh', '-c', 'i=0; while true; do echo $i; i=$((i+1)); sleep 0.2; done'],
    });
    expect(await main(['checkpoint', name, '--name', 'one', '--leave-running'], io().value)).toBe(0);
    const file = path.join(HOME, `${name}.tar.gz`);
    const e = io();
    expect(
      await main(['export', name, '--checkpoint', 'one', '--output', file, '--compress', 'gzip'], e.value),
    ).toBe(0);
    expect(e.out()).toContain(`${name}:one written to ${file}`);
    expect(fs.readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    // Never over a file that is there.
    const again = io();
    expect(await main(['export', name, '--checkpoint', 'one', '--output', file], again.value)).toBe(1);
    expect(again.err()).toContain('exists already');
    await dockerFor(tb.dockerHost).getContainer(c.id).remove({ force: true });
    const i = io();
    expect(await main(['import', file, '--name', `${name}-back`, '--json'], i.value)).toBe(0);
    const r = JSON.parse(i.out()) as { instances: { name: string; id: string | null; error?: string }[] };
    expect(r.instances).toEqual([{ name: `${name}-back`, id: expect.any(String) }]);
    containers.adopt(r.instances[0]!.id!);
    // The name is taken now: refused before anything is made.
    const clash = io();
    expect(await main(['import', file, '--name', `${name}-back`], clash.value)).toBe(1);
    expect(clash.err()).toContain('already');
  });

  it('image create, ls, restore, rm: a checkpoint kept as an image and made into a container again', async () => {
    const name = uniqueName('cli-image');
    const image = `checkpoint-studio-test/${name.toLowerCase()}:one`;
    await containers.run({
      name,
      image: tb.busyboxImage,
      cmd: ['sh', '-c', 'i=0; while true; do echo $i; i=$((i+1)); sleep 0.2; done'],
    });
    try {
      expect(await main(['checkpoint', name, '--name', 'one', '--leave-running'], io().value)).toBe(0);
      const made = io();
      expect(await main(['image', 'create', name, '--checkpoint', 'one', '--name', image], made.value)).toBe(
        0,
      );
      expect(made.out()).toContain(`${name}:one is the image ${image}`);
      const ls = io();
      expect(await main(['image', 'ls', '--json'], ls.value)).toBe(0);
      expect(
        (JSON.parse(ls.out()) as { refs: string[]; container: string }[]).find((i) => i.refs.includes(image))
          ?.container,
      ).toBe(name);
      const r = io();
      expect(await main(['image', 'restore', image, '--name', `${name}-img`, '--json'], r.value)).toBe(0);
      const out = JSON.parse(r.out()) as { instances: { name: string; id: string | null; error?: string }[] };
      expect(out.instances).toEqual([{ name: `${name}-img`, id: expect.any(String) }]);
      containers.adopt(out.instances[0]!.id!);
      // A name that no engine takes is refused with the rule, before the engine is asked.
      const bad = io();
      expect(await main(['image', 'create', name, '--checkpoint', 'one', '--name', '../Up'], bad.value)).toBe(
        64,
      );
      expect(bad.err()).toContain('not an image name');
    } finally {
      const rm = io();
      expect(await main(['image', 'rm', image], rm.value)).toBe(0);
    }
  });

  it('stop and remove several containers; one that is not there fails alone, exit 1', async () => {
    const a = await containers.run({
      image: tb.busyboxImage,
      cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 600 & wait'],
    });
    const b = await containers.run({
      image: tb.busyboxImage,
      cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 600 & wait'],
    });
    const stop = io();
    expect(await main(['stop', a.name, b.name, '--json'], stop.value)).toBe(0);
    expect((JSON.parse(stop.out()) as { name: string; ok: boolean }[]).map((r) => [r.name, r.ok])).toEqual([
      [a.name, true],
      [b.name, true],
    ]);
    const rm = io();
    const missing = uniqueName('cli-missing');
    expect(await main(['remove', a.name, missing, b.name], rm.value)).toBe(1);
    expect(rm.out()).toMatch(new RegExp(`${a.name}\\s+removed`));
    expect(rm.out()).toMatch(new RegExp(`${missing}\\s+failed\\s+No container`));
    for (const c of [a, b])
      expect(
        await dockerFor(tb.dockerHost)
          .getContainer(c.id)
          .inspect()
          .catch(() => null),
      ).toBeNull();
  });

  it('an engine that is not there: exit 1 and a hint', async () => {
    const t = io({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(await main(['ps'], t.value)).toBe(1);
    expect(t.err()).toContain('No engine socket');
    expect(t.err()).toContain('hint:');
  });

  it('bad usage: exit 64 with the usage text', async () => {
    const t = io();
    expect(await main(['ps', '--bogus'], t.value)).toBe(64);
    expect(t.err()).toContain('usage: checkpoint-studio');
  });
});

describe('checkpoint-studio schedule verbs', () => {
  it('schedule, schedules, pause, unschedule', async () => {
    const name = uniqueName('cli-sched');
    await containers.run({ name, image: tb.busyboxImage, cmd: ['sleep', '600'] });
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-cli-sched-'));
    try {
      const env = { CHECKPOINT_STUDIO_HOME: home };
      const set = io(env);
      expect(
        await main(
          ['schedule', name, '--every', '5m', '--keep', '4', '--daily', '7', '--budget', '1G', '--json'],
          set.value,
        ),
      ).toBe(0);
      expect(JSON.parse(set.out())).toMatchObject({
        containerName: name,
        everyMs: 300_000,
        keepLast: 4,
        keepDaily: 7,
        budgetBytes: 1024 ** 3,
        state: 'active',
      });
      const list = io(env);
      expect(await main(['schedules'], list.value)).toBe(0);
      expect(list.out()).toMatch(
        new RegExp(`${name}\\s+every 5m, keep 4, 7 daily, within 1\\.0 GiB\\s+active`),
      );
      const paused = io(env);
      expect(await main(['schedule', name, '--pause', '--json'], paused.value)).toBe(0);
      expect(JSON.parse(paused.out())).toMatchObject({ state: 'paused' });
      const bad = io(env);
      expect(await main(['schedule', name, '--every', 'often'], bad.value)).toBe(64);
      expect(bad.err()).toContain('not a duration');
      const rm = io(env);
      expect(await main(['unschedule', name], rm.value)).toBe(0);
      const after = io(env);
      await main(['schedules', '--json'], after.value);
      expect(JSON.parse(after.out())).toEqual([]);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
