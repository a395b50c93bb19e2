// Checkpoints as files, on real engines: a counter that made a file and deleted one of its image's
// is checkpointed, exported, removed, and imported as three containers that each go on counting
// from where it was, with its file there and the deleted one gone. Hostile archives are refused
// with nothing made.
import fs from 'node:fs';
import path from 'node:path';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import { unwrap } from '../ipc/dispatcher';
import { StudioError } from '../ipc/errors';
import {
  Containers,
  counterValues,
  dockerFor,
  eventually,
  execIn,
  inRoot,
  matrixEngines,
  testbed,
  testbedFixture,
  testbedEngine,
  uniqueName,
} from '../../testbed/support';
import { expectStudioError, useTempDirs, withServices } from '../../testbed/services-support';

const tmpDir = useTempDirs('cs-portable-');

const SCRIPT =
  'echo hello > /data/made; rm /etc/group; i=0; while true; do echo $i; i=$((i+1)); sleep 0.3; done';

/** The counter on the engine, checkpointed as cp1 and left running. */
async function runningCheckpoint(s: Services, containers: Containers): Promise<{ id: string; name: string }> {
  const c = await containers.run({ image: testbed().busyboxImage, cmd: ['sh', '-c', SCRIPT] });
  await eventually(
    async () => (await counterValues(containers.docker, c.id)).length >= 2,
    15_000,
    'counting',
  );
  unwrap<'checkpoints.create'>(
    await s.dispatcher.dispatch('checkpoints.create', {
      engineId: 'e',
      container: c.name,
      name: 'cp1',
      leaveRunning: true,
    }),
  );
  return c;
}

// Docker 28.5 + containerd 2.1 restores nothing with or without a network (measured): not here.
const ROUND_TRIPS = matrixEngines().filter((m) => ['a', 'd26', 'podman', 'p58'].includes(m.id));

describe.each(ROUND_TRIPS)('export and import on $id ($label)', (m) => {
  it('exports a checkpoint, and three imports of it go on where it stopped, with its files', async () => {
    const { docker, containers } = testbedFixture(m.host);
    try {
      await withServices(m.host, async (s) => {
        const c = await containers.run({ image: testbed().busyboxImage, cmd: ['sh', '-c', SCRIPT] });
        await eventually(async () => (await counterValues(docker, c.id)).length >= 5, 15_000, 'counting');
        unwrap<'checkpoints.create'>(
          await s.dispatcher.dispatch('checkpoints.create', {
            engineId: 'e',
            container: c.name,
            name: 'cp1',
          }),
        );
        const last = (await counterValues(docker, c.id)).at(-1)!;
        const file = path.join(tmpDir(), `${c.name}.tar.zst`);
        const out = await s.portable.export({
          engineId: 'e',
          container: c.name,
          checkpoint: 'cp1',
          compression: 'zstd',
          file,
        });
        expect(out.bytes).toBe(fs.statSync(file).size);
        // zstd's magic number, and no half-written file left beside it.
        expect(fs.readFileSync(file).subarray(0, 4).readUInt32LE(0)).toBe(0xfd2fb528);
        expect(fs.existsSync(`${file}.partial`)).toBe(false);

        // The container is gone; the file is all there is.
        await docker.getContainer(c.id).remove({ force: true });
        const base = uniqueName('imported');
        const r = await s.portable.import({
          file,
          label: path.basename(file),
          engineId: 'e',
          name: base,
          count: 3,
        });
        for (const i of r.instances) if (i.id) containers.adopt(i.id);
        expect(r.instances.map((i) => [i.name, i.error ?? null])).toEqual(
          [1, 2, 3].map((n) => [`${base}-${n}`, null]),
        );
        expect(r.origin.engineKind).toBe(m.kind);
        expect(r.origin.containerName).toBe(c.name);
        for (const i of r.instances) {
          const values = await eventually(
            async () => {
              const v = await counterValues(docker, i.id!);
              return v.some((x) => x > last + 1) ? v : undefined;
            },
            20_000,
            `${i.name} counting on`,
          );
          // Went on from the checkpoint: a fresh start would count from 0 again.
          expect(values.filter((x) => x === 0).length).toBeLessThanOrEqual(1);
          expect(values.filter((x) => x > 0 && x <= 2).length).toBeLessThanOrEqual(
            m.kind === 'docker' ? 0 : 2,
          );
          expect(await execIn(docker, i.id!, ['cat', '/data/made'])).toBe('hello');
          expect(
            await execIn(docker, i.id!, ['sh', '-c', 'test -e /etc/group && echo there || echo gone']),
          ).toBe('gone');
        }
      });
    } finally {
      await containers.cleanup();
    }
  });
});

describe('cancelled half-way', () => {
  it('an export leaves no file; an import removes what it made and leaves nothing to put right', async () => {
    const host = testbedEngine('a');
    const docker = dockerFor(host);
    const containers = new Containers(docker);
    try {
      await withServices(host, async (s) => {
        const c = await runningCheckpoint(s, containers);
        const file = path.join(tmpDir(), 'cancel.tar');
        await s.portable.export({
          engineId: 'e',
          container: c.name,
          checkpoint: 'cp1',
          compression: 'none',
          file,
        });
        // An export cancelled as it writes leaves no file, whole or half.
        const stopped = path.join(tmpDir(), 'stopped.tar');
        const exportOp = `export-${Date.now()}`;
        const ex = await s.portable
          .export(
            {
              engineId: 'e',
              container: c.name,
              checkpoint: 'cp1',
              compression: 'none',
              file: stopped,
              opId: exportOp,
            },
            () => s.cancellation.cancel(exportOp),
          )
          .catch((err: unknown) => err);
        expect((ex as StudioError).code).toBe('cancelled');
        expect([fs.existsSync(stopped), fs.existsSync(`${stopped}.partial`)]).toEqual([false, false]);
        const before = (await docker.listContainers({ all: true })).map((x) => x.Id).sort();
        const opId = `import-${Date.now()}`;
        const e = await s.portable
          .import(
            { file, label: 'cancel.tar', engineId: 'e', name: uniqueName('cancelled'), count: 4, opId },
            (p) => {
              // Cancelled once containers exist: each must go again.
              if (p.stage === 'copying' || p.stage === 'restoring') s.cancellation.cancel(opId);
            },
          )
          .catch((err: unknown) => err);
        expect(e).toBeInstanceOf(StudioError);
        expect((e as StudioError).code).toBe('cancelled');
        expect((e as StudioError).message).toMatch(/nothing of it is left/);
        expect((await docker.listContainers({ all: true })).map((x) => x.Id).sort()).toEqual(before);
        expect(s.journal.orphaned('e')).toEqual([]);
      });
    } finally {
      await containers.cleanup();
    }
  });
});

describe('checkpointctl reads what the app exports', () => {
  // checkpointctl 1.3, Debian 13's, run inside the test bed's trixie root on the app's own files.
  it.each(['a', 'p58'])('an export from %s passes checkpointctl show and inspect --ps-tree', async (id) => {
    const host = testbedEngine(id);
    const docker = dockerFor(host);
    const containers = new Containers(docker);
    const root = inRoot('trixie');
    const file = path.join(root.sharedTmp, `${uniqueName('ctl')}.tar.zst`);
    try {
      await withServices(host, async (s) => {
        const c = await runningCheckpoint(s, containers);
        await s.portable.export({
          engineId: 'e',
          container: c.name,
          checkpoint: 'cp1',
          compression: 'zstd',
          file,
        });
        const show = root.run(['checkpointctl', 'show', file]);
        expect(show).toContain(testbed().busyboxImage);
        expect(show).toMatch(/CHKPT SIZE/);
        expect(show).toContain(c.name);
        expect(show).toMatch(id === 'a' ? /containerd/ : /Podman/);
        const tree = root.run(['checkpointctl', 'inspect', '--ps-tree', file]);
        expect(tree).toMatch(/\bsh\b/);
        expect(tree).toMatch(/\bsleep\b/);
      });
    } finally {
      fs.rmSync(file, { force: true });
      await containers.cleanup();
    }
  });
});

/** A tar (gzip-less) of the given entries, written to a file. */
async function archiveOf(
  entries: {
    name: string;
    type?: 'file' | 'directory' | 'symlink' | 'link';
    body?: string;
    linkname?: string;
  }[],
): Promise<string> {
  const pack = tar.pack();
  for (const e of entries) {
    const { body, ...header } = e;
    pack.entry({ mode: 0o644, ...header }, body ?? '');
  }
  pack.finalize();
  const file = path.join(tmpDir(), `${uniqueName('hostile')}.tar`);
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  fs.writeFileSync(file, Buffer.concat(chunks));
  return file;
}

const note = (hostConfig: Record<string, unknown>) =>
  JSON.stringify({
    format: 1,
    engineKind: 'docker',
    containerName: 'evil',
    image: testbed().busyboxImage,
    imageId: '',
    checkpoint: 'x',
    checkpointedAt: null,
    exportedAt: new Date().toISOString(),
    create: { Cmd: ['sh'], HostConfig: hostConfig },
    carried: [],
    deleted: [],
  });

describe('archives someone else made', () => {
  it('refuses hostile archives by name, with nothing made on the engine', async () => {
    const host = testbedEngine('a');
    const docker = dockerFor(host);
    const inventory = { name: 'checkpoint/inventory.img', body: 'x' };
    const cases: [string, Parameters<typeof archiveOf>[0], RegExp][] = [
      [
        'a path out of the archive',
        [{ name: '../../etc/cron.d/evil', body: 'x' }, inventory],
        /outside the archive/,
      ],
      ['an absolute path', [{ name: '/etc/passwd', body: 'x' }, inventory], /absolute path/],
      [
        'a link',
        [{ name: 'checkpoint/pages-1.img', type: 'symlink', linkname: '/etc/shadow' }, inventory],
        /symbolic link/,
      ],
      [
        'a hard link',
        [{ name: 'checkpoint/core-1.img', type: 'link', linkname: 'config.dump' }, inventory],
        /hard link/,
      ],
      [
        'a folder inside checkpoint/',
        [{ name: 'checkpoint/a/b.img', body: 'x' }, inventory],
        /nested inside checkpoint/,
      ],
      ['no checkpoint at all', [{ name: 'config.dump', body: '{}' }], /holds no CRIU checkpoint/],
      [
        'a note that binds the host and runs privileged',
        [
          {
            name: 'checkpoint-studio.json',
            body: note({ Binds: ['/:/host'], Privileged: true, PidMode: 'host' }),
          },
          inventory,
        ],
        /binds host folders \(\/\).*runs privileged.*shares the host's processes/,
      ],
      [
        'a Kubernetes (CRI-O) archive: named with its pod and the kubelet binds it ran with',
        [
          {
            name: 'config.dump',
            body: JSON.stringify({ id: 'x', name: 'k8s_web', rootfsImageName: 'docker.io/library/redis:7' }),
          },
          {
            name: 'spec.dump',
            body: JSON.stringify({
              annotations: {
                'io.kubernetes.pod.name': 'web-7d9',
                'io.kubernetes.pod.namespace': 'shop',
                'io.kubernetes.container.name': 'web',
              },
              mounts: [
                { destination: '/etc/hosts', type: 'bind', source: '/var/lib/kubelet/pods/u/etc-hosts' },
                { destination: '/dev/termination-log', type: 'bind', source: '/var/lib/kubelet/pods/u/c/t' },
              ],
            }),
          },
          inventory,
        ],
        /CRI-O \(Kubernetes\) \(pod shop\/web-7d9\).*kubelet's mount tree \(binds at \/etc\/hosts, \/dev\/termination-log\)/,
      ],
    ];
    await withServices(host, async (s) => {
      const before = (await docker.listContainers({ all: true })).map((c) => c.Id).sort();
      for (const [what, entries, message] of cases) {
        const file = await archiveOf(entries);
        const e = await s.portable
          .import({ file, label: path.basename(file), engineId: 'e', count: 2 })
          .catch((err: unknown) => err);
        expect(e, what).toBeInstanceOf(StudioError);
        expect((e as StudioError).message, what).toMatch(message);
      }
      expect((await docker.listContainers({ all: true })).map((c) => c.Id).sort()).toEqual(before);
    });
  });

  it('a Docker export is refused by Podman before anything is made, saying why', async () => {
    const inventory = { name: 'checkpoint/inventory.img', body: 'x' };
    const file = await archiveOf([{ name: 'checkpoint-studio.json', body: note({}) }, inventory]);
    const host = testbedEngine('p58');
    await withServices(host, async (s) => {
      const e = await expectStudioError(
        s.portable.import({ file, label: 'docker.tar', engineId: 'e', count: 1 }),
        'unsupported',
      );
      expect(e.message).toMatch(
        /made by checkpoint-studio \(Docker\)\. A checkpoint made under Docker cannot be restored under Podman: Docker binds \/etc\/resolv\.conf/,
      );
    });
  });
});
