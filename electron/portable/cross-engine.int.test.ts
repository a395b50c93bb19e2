// Docker ↔ Podman, tried rather than assumed: a checkpoint of one engine's container is put in
// place by hand (the files where the other engine restores from) and restored by the other engine's
// runtime. CRIU refuses each way, for the reasons the app's refusal names (cross-engine.ts). Should a
// future engine restore it, this test fails — and the refusal should then be lifted.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import { unwrap } from '../ipc/dispatcher';
import { StudioError } from '../ipc/errors';
import { DockerEngine } from '../engines/docker/docker-engine';
import { createCheckpoint, startFromCheckpoint } from '../engines/docker/docker-checkpoints';
import { checkpointExport, restoreImport } from '../engines/podman/libpod';
import { eventually, testbed, testbedEngine, testbedFixture, uniqueName } from '../../testbed/support';
import { useTempDirs } from '../../testbed/services-support';
import { CROSS_ENGINE_FAILURES, crossEngineRefusal } from './cross-engine';

const RUN = '/run/checkpoint-studio-testbed';
const KEEP = `${RUN}/faults/keep-logs`;
const COUNTER = 'i=0; while true; do i=$((i+1)); echo $i > /tmp/n; sleep 0.3; done';

const tmpDir = useTempDirs('cs-cross-');
afterAll(() => fs.rmSync(KEEP, { force: true }));

/** CRIU's restore logs the test bed's wrapper kept since `since` (engines of Debian 12 only). */
function keptLogs(since: number): string {
  const dir = `${RUN}/criu-logs`;
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir)
    .filter((f) => fs.statSync(path.join(dir, f)).mtimeMs >= since)
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
}

/** What a failed Podman restore says, and its log (Podman names the file and keeps it). */
function podmanLog(message: string): string {
  const file = /log file: (\S+restore\.log)/.exec(message)?.[1];
  return file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

// Pairs on one machine that share an image's content (the test bed builds each from the same files).
const PAIRS = [
  { docker: 'a', podman: 'podman', logsKept: true },
  { docker: 'd26', podman: 'p54', logsKept: false },
];

describe.each(PAIRS)('a checkpoint between Docker $docker and Podman $podman', (pair) => {
  const dHost = testbedEngine(pair.docker);
  const pHost = testbedEngine(pair.podman);
  const image = testbed().busyboxImage;

  it('Podman → Docker: CRIU finds no place for /run/.containerenv, then a root folder of another mode', async () => {
    fs.mkdirSync(path.dirname(KEEP), { recursive: true });
    fs.writeFileSync(KEEP, '');
    const { containers: dContainers } = testbedFixture(dHost);
    const { containers: pContainers } = testbedFixture(pHost);
    const pEngine = new DockerEngine({ id: 'p', name: pair.podman, host: pHost });
    const dEngine = new DockerEngine({ id: 'd', name: pair.docker, host: dHost });
    try {
      const src = await pContainers.run({ image, cmd: ['sh', '-c', COUNTER] });
      await new Promise((r) => setTimeout(r, 1000));
      const dir = tmpDir();
      await pipeline(
        await checkpointExport(pEngine, src.id, {
          leaveRunning: false,
          tcpEstablished: false,
          fileLocks: false,
        }),
        fs.createWriteStream(path.join(dir, 'export.tar')),
      );
      const { execFileSync } = await import('node:child_process');
      execFileSync('tar', ['-C', dir, '-xf', path.join(dir, 'export.tar'), 'checkpoint']);

      const docker = dContainers.docker;
      const root = (await docker.info()).DockerRootDir as string;
      // As Podman's container had it: /dev/shm a bind (Docker's shareable IPC), /run/.containerenv a bind.
      const envFile = path.join(dir, 'containerenv');
      fs.writeFileSync(envFile, '');
      const attempts = [
        { binds: [] as string[], expect: CROSS_ENGINE_FAILURES.podmanToDocker[0]!.log },
        { binds: [`${envFile}:/run/.containerenv:ro`], expect: CROSS_ENGINE_FAILURES.podmanToDocker[1]!.log },
      ];
      for (const attempt of attempts) {
        const c = await docker.createContainer({
          name: uniqueName('cross-pd'),
          Image: image,
          Cmd: ['sh', '-c', COUNTER],
          HostConfig: { NetworkMode: 'none', IpcMode: 'shareable', Binds: attempt.binds },
        });
        dContainers.adopt(c.id);
        const cps = path.join(root, 'containers', c.id, 'checkpoints');
        fs.mkdirSync(cps, { recursive: true });
        fs.cpSync(path.join(dir, 'checkpoint'), path.join(cps, 'cp1'), { recursive: true });
        const since = Date.now() - 1000;
        const started = await startFromCheckpoint(dEngine, c.id, 'cp1').then(
          () => 'restored',
          (e: Error) => e.message,
        );
        expect(started).toMatch(/criu failed|restore failed/i);
        expect((await docker.getContainer(c.id).inspect()).State.Running).toBe(false);
        if (pair.logsKept) expect(keptLogs(since)).toMatch(attempt.expect);
      }
    } finally {
      fs.rmSync(KEEP, { force: true });
      await dContainers.cleanup();
      await pContainers.cleanup();
      pEngine.close();
      dEngine.close();
    }
  });

  it('Docker → Podman: CRIU finds no place for Docker’s /etc/resolv.conf', async () => {
    const { containers: dContainers } = testbedFixture(dHost);
    const { containers: pContainers } = testbedFixture(pHost);
    const pEngine = new DockerEngine({ id: 'p', name: pair.podman, host: pHost });
    const dEngine = new DockerEngine({ id: 'd', name: pair.docker, host: dHost });
    try {
      const docker = dContainers.docker;
      const src = await dContainers.run({ image, cmd: ['sh', '-c', COUNTER] });
      await new Promise((r) => setTimeout(r, 1000));
      await createCheckpoint(dEngine, src.id, 'c1', { exit: true });
      const root = (await docker.info()).DockerRootDir as string;
      const images = path.join(root, 'containers', src.id, 'checkpoints', 'c1');

      // Podman's own metadata for the same image and command (a template container's export), with
      // Docker's CRIU images in place of its own.
      const tpl = await pContainers.run({ image, cmd: ['sh', '-c', COUNTER] });
      await new Promise((r) => setTimeout(r, 500));
      const dir = tmpDir();
      await pipeline(
        await checkpointExport(pEngine, tpl.id, {
          leaveRunning: false,
          tcpEstablished: false,
          fileLocks: false,
        }),
        fs.createWriteStream(path.join(dir, 'template.tar')),
      );
      const mixed = path.join(dir, 'mixed');
      fs.mkdirSync(mixed);
      const { execFileSync } = await import('node:child_process');
      execFileSync('tar', ['-C', mixed, '-xf', path.join(dir, 'template.tar'), 'config.dump', 'spec.dump']);
      fs.cpSync(images, path.join(mixed, 'checkpoint'), { recursive: true });

      // One attempt only: a bind at /etc/resolv.conf added to spec.dump left CRIU's answer as it
      // was (Podman seems to set that file up from its own network settings on import).
      const spec = JSON.parse(fs.readFileSync(path.join(mixed, 'spec.dump'), 'utf8')) as object;
      const attempts = [{ spec, expect: CROSS_ENGINE_FAILURES.dockerToPodman[0]!.log }];
      for (const attempt of attempts) {
        fs.writeFileSync(path.join(mixed, 'spec.dump'), JSON.stringify(attempt.spec));
        execFileSync('tar', ['-C', mixed, '-cf', path.join(dir, 'mixed.tar'), '.']);
        const name = uniqueName('cross-dp');
        const outcome = await restoreImport(pEngine, fs.createReadStream(path.join(dir, 'mixed.tar')), {
          name,
        }).then(
          () => 'restored',
          (e: Error) => e.message,
        );
        const left = await pContainers.docker
          .getContainer(name)
          .inspect()
          .catch(() => null);
        if (left) pContainers.adopt(left.Id);
        expect(outcome).toMatch(/criu failed/i);
        expect(podmanLog(outcome)).toMatch(attempt.expect);
        if (left) expect(left.State.Running).toBe(false);
      }
    } finally {
      await eventually(async () => (await dContainers.cleanup(), true), 10_000, 'clean-up');
      await pContainers.cleanup();
      pEngine.close();
      dEngine.close();
    }
  });
});

describe('the app refuses Docker ↔ Podman up front, with the reasons above', () => {
  it('migration from Docker to Podman, and a Podman archive imported into Docker', async () => {
    const dHost = testbedEngine('a');
    const pHost = testbedEngine('podman');
    const s = new Services({
      engines: [
        { id: 'd', name: 'docker', host: dHost },
        { id: 'p', name: 'podman', host: pHost },
      ],
      dataDir: tmpDir(),
      host: 'headless',
    });
    const { containers: dContainers } = testbedFixture(dHost);
    const { containers: pContainers } = testbedFixture(pHost);
    try {
      expect(await s.registry.get('d').whenOnline(15_000)).toBe(true);
      expect(await s.registry.get('p').whenOnline(15_000)).toBe(true);
      const c = await dContainers.run({ image: testbed().busyboxImage, cmd: ['sh', '-c', COUNTER] });
      const check = unwrap<'migrations.check'>(
        await s.dispatcher.dispatch('migrations.check', { engineId: 'd', container: c.name, to: 'p' }),
      );
      const why = crossEngineRefusal('docker', 'podman')!;
      expect(check.problems.join('\n')).toContain(why.reasons[0]);

      // A Podman export offered to Docker: refused before anything is made.
      const pc = await pContainers.run({ image: testbed().busyboxImage, cmd: ['sh', '-c', COUNTER] });
      unwrap<'checkpoints.create'>(
        await s.dispatcher.dispatch('checkpoints.create', {
          engineId: 'p',
          container: pc.name,
          name: 'cp1',
          leaveRunning: true,
        }),
      );
      const file = path.join(tmpDir(), 'podman.tar.zst');
      await s.portable.export({
        engineId: 'p',
        container: pc.name,
        checkpoint: 'cp1',
        compression: 'zstd',
        file,
      });
      const before = (await dContainers.docker.listContainers({ all: true })).length;
      const e = await s.portable
        .import({ file, label: 'podman.tar.zst', engineId: 'd', count: 1 })
        .catch((err: unknown) => err);
      expect(e).toBeInstanceOf(StudioError);
      expect((e as StudioError).message).toContain(crossEngineRefusal('podman', 'docker')!.reasons[1]);
      expect((await dContainers.docker.listContainers({ all: true })).length).toBe(before);
    } finally {
      await s.checkpoints.idle().catch(() => undefined);
      s.dispose();
      await dContainers.cleanup();
      await pContainers.cleanup();
    }
  });
});
