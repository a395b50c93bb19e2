// npm run bench -- portable: export and import of a redis holding ~100 MB, with each compression,
// beside the same work by hand in the same run: `tar | zstd -3` (or gzip -6, or plain tar) of the
// checkpoint folder, and for import `docker create` + unpacking the archive's checkpoint/ into the
// new container's checkpoints folder + `docker start --checkpoint`. Time and size, as ratios.
// Target: export within 1.1× of tar | zstd at the same level. Then the same on Podman beside
// Podman's own CLI: checkpoint --export, restore --import, --create-image, restore of an image.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, report, runMain, tag, timed } from './bench-util';
import { benchServices, fillRedis, runRedis } from './bench-setup';
import { checkpointFolder, shell, shellQuote as q } from './engine-cli';
import type { Services } from '../electron/app/services';
import { unwrap } from '../electron/ipc/dispatcher';
import { COMPRESSIONS, extensionOf, ZSTD_LEVEL, type Compression } from '../electron/portable/compression';
import { Containers, dockerFor, REDIS_SERVER, testbed, testbedEngine } from '../testbed/support';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const tb = testbed();
const docker = dockerFor(tb.dockerHost);
const containers = new Containers(docker);
const sh = (script: string) => shell(script, { DOCKER_HOST: tb.dockerHost });
/** Redis as both engines run it here: DEBUG POPULATE fills it. */
const REDIS = [...REDIS_SERVER, '--enable-debug-command', 'yes'];

/** The app's checkpoint, left running, through the dispatcher as the window calls it. */
async function checkpoint(s: Services, engineId: string, container: string, name: string): Promise<void> {
  unwrap<'checkpoints.create'>(
    await s.dispatcher.dispatch('checkpoints.create', { engineId, container, name, leaveRunning: true }),
  );
}

/** Redis holding ~100 MB, on the engine of `made`. */
async function filledRedis(made: Containers): Promise<{ id: string; name: string }> {
  const redis = await runRedis(made, { cmd: REDIS });
  await fillRedis(made, redis.id);
  return redis;
}

const BY_HAND: Record<Compression, { pack: string; unpack: string }> = {
  zstd: { pack: `zstd -${ZSTD_LEVEL} -q -T2`, unpack: 'zstd -d -q' },
  gzip: { pack: 'gzip -6', unpack: 'gzip -d' },
  none: { pack: 'cat', unpack: 'cat' },
};

interface Row {
  compression: Compression;
  exportMs: number[];
  handMs: number[];
  appBytes: number;
  handBytes: number;
  importMs: number[];
  handImportMs: number[];
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-pbench-'));
  const s = benchServices([{ id: 'e', name: 'bench', host: tb.dockerHost }], path.join(tmp, 'data'));
  const rows: Row[] = [];
  try {
    if (!(await s.registry.get('e').whenOnline(15_000))) throw new Error('the engine is offline');
    await s.capabilities.ensure('e');
    const redis = await filledRedis(containers);
    await checkpoint(s, 'e', redis.id, 'bench');
    const root = (await docker.info()).DockerRootDir as string;
    const folder = checkpointFolder(root, redis.id, 'bench');
    const made: string[] = [];
    for (const compression of COMPRESSIONS) {
      const row: Row = {
        compression,
        exportMs: [],
        handMs: [],
        appBytes: 0,
        handBytes: 0,
        importMs: [],
        handImportMs: [],
      };
      for (let run = 0; run < RUNS; run++) {
        // Alternated, so that neither side always finds the page cache warm.
        const appFile = path.join(tmp, `app-${compression}-${run}${extensionOf(compression)}`);
        const handFile = path.join(tmp, `hand-${compression}-${run}${extensionOf(compression)}`);
        const [appMs] = await timed(() =>
          s.portable.export({
            engineId: 'e',
            container: redis.id,
            checkpoint: 'bench',
            compression,
            file: appFile,
          }),
        );
        const [handMs] = await timed(() =>
          sh(`tar -C ${q(folder)} -c . | ${BY_HAND[compression].pack} > ${q(handFile)}`),
        );
        row.exportMs.push(appMs);
        row.handMs.push(handMs);
        row.appBytes = fs.statSync(appFile).size;
        row.handBytes = fs.statSync(handFile).size;

        const name = `pbench-app-${tag()}`;
        const [importMs, imported] = await timed(() =>
          s.portable.import({ file: appFile, label: path.basename(appFile), engineId: 'e', name, count: 1 }),
        );
        const failed = imported.instances.find((i) => i.error);
        if (failed) throw new Error(`the import failed: ${failed.error}`);
        made.push(...imported.instances.map((i) => i.id!));
        // By hand: the same archive into a container made like the original, then started from it.
        const handName = `pbench-hand-${tag()}`;
        const [handImportMs] = await timed(async () => {
          const id = await sh(
            `docker create --network none --name ${handName} ${q(tb.redisImage)} ${REDIS.map(q).join(' ')}`,
          );
          made.push(id);
          const into = checkpointFolder(root, id, 'bench');
          await sh(
            `mkdir -p ${q(into)} && ${BY_HAND[compression].unpack} < ${q(appFile)} | tar -C ${q(into)} -x --strip-components=1 checkpoint`,
          );
          await sh(`docker start --checkpoint bench ${handName}`);
        });
        row.importMs.push(importMs);
        row.handImportMs.push(handImportMs);
        for (const id of made.splice(0))
          await docker
            .getContainer(id)
            .remove({ force: true })
            .catch(() => undefined);
        fs.rmSync(appFile, { force: true });
        fs.rmSync(handFile, { force: true });
      }
      rows.push(row);
    }
  } finally {
    await containers.cleanup();
    s.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const mb = (n: number) => `${(n / 1024 ** 2).toFixed(1)} MB`;
  const ms = (n: number) => `${Math.round(n)} ms`;
  const out = rows.map((r) => {
    const e = median(r.exportMs);
    const h = median(r.handMs);
    const i = median(r.importMs);
    const hi = median(r.handImportMs);
    return {
      compression: r.compression,
      exportMedianMs: Math.round(e),
      byHandMedianMs: Math.round(h),
      exportRatio: +(e / h).toFixed(2),
      appBytes: r.appBytes,
      byHandBytes: r.handBytes,
      sizeRatio: +(r.appBytes / r.handBytes).toFixed(3),
      importMedianMs: Math.round(i),
      importByHandMedianMs: Math.round(hi),
      importRatio: +(i / hi).toFixed(2),
    };
  });
  const lines = [
    `export and import of a ~100 MB redis checkpoint (Docker ${(await docker.version()).Version}), ${RUNS} runs, medians`,
    '',
    `${'compression'.padEnd(13)}${'export'.padEnd(10)}${'by hand'.padEnd(10)}${'ratio'.padEnd(7)}${'app size'.padEnd(11)}${'hand size'.padEnd(11)}${'import'.padEnd(10)}${'by hand'.padEnd(10)}ratio`,
    ...out.map(
      (r) =>
        `${r.compression.padEnd(13)}${ms(r.exportMedianMs).padEnd(10)}${ms(r.byHandMedianMs).padEnd(10)}${r.exportRatio.toFixed(2).padEnd(7)}${mb(r.appBytes).padEnd(11)}${mb(r.byHandBytes).padEnd(11)}${ms(r.importMedianMs).padEnd(10)}${ms(r.importByHandMedianMs).padEnd(10)}${r.importRatio.toFixed(2)}`,
    ),
    '',
    'by hand: tar of the checkpoint folder piped through the same compressor (zstd -3 -T2, gzip -6); import by hand:',
    'docker create + the archive’s checkpoint/ unpacked into its checkpoints folder + docker start --checkpoint.',
    'target: export within 1.1× of by hand.',
  ];
  const podman = await podmanRows();
  lines.push(
    '',
    `the same on Podman ${podman.version} beside its own CLI (podman --url: the same service), ${RUNS} runs, medians`,
    '',
    `${'work'.padEnd(34)}${'app'.padEnd(10)}${'podman'.padEnd(10)}ratio`,
    ...podman.rows.map(
      (r) =>
        `${r.work.padEnd(34)}${ms(r.appMedianMs).padEnd(10)}${ms(r.podmanMedianMs).padEnd(10)}${r.ratio.toFixed(2)}`,
    ),
    '',
    'podman: container checkpoint --leave-running --export F --compress zstd; container restore --import F --name N;',
    'container checkpoint --leave-running --create-image I; container restore --name N I.',
  );
  report('portable', lines, { runs: RUNS, rows: out, podman });
}

/**
 * Podman's own export, import and checkpoint images against the app doing the same through the
 * same Podman service: a checkpoint made and exported (zstd), imported as one, made into an image,
 * an image restored as one.
 */
async function podmanRows(): Promise<{
  version: string;
  rows: { work: string; appMedianMs: number; podmanMedianMs: number; ratio: number }[];
}> {
  const host = testbedEngine('podman');
  const pdocker = dockerFor(host);
  const mine = new Containers(pdocker);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-pbench-podman-'));
  const s = benchServices([{ id: 'p', name: 'podman', host }], path.join(tmp, 'data'));
  const podman = (args: string[]) => sh(['podman', '--url', host, ...args].map(q).join(' '));
  const times: Record<string, { app: number[]; podman: number[] }> = {};
  const add = (work: string, side: 'app' | 'podman', ms: number) => {
    times[work] ??= { app: [], podman: [] };
    times[work][side].push(ms);
  };
  const images: string[] = [];
  try {
    if (!(await s.registry.get('p').whenOnline(15_000))) throw new Error('the Podman engine is offline');
    await s.capabilities.ensure('p');
    const redis = await filledRedis(mine);
    const drop = async (name: string) => {
      const c = await pdocker
        .getContainer(name)
        .inspect()
        .catch(() => null);
      if (c) await pdocker.getContainer(c.Id).remove({ force: true });
    };
    for (let run = 0; run < RUNS; run++) {
      const appFile = path.join(tmp, `app-${run}.tar.zst`);
      const handFile = path.join(tmp, `podman-${run}.tar.zst`);
      const cp = `b${run}`;
      const [appMs] = await timed(async () => {
        await checkpoint(s, 'p', redis.id, cp);
        await s.portable.export({
          engineId: 'p',
          container: redis.id,
          checkpoint: cp,
          compression: 'zstd',
          file: appFile,
        });
      });
      add('checkpoint + export (zstd)', 'app', appMs);
      add(
        'checkpoint + export (zstd)',
        'podman',
        (
          await timed(() =>
            podman([
              'container',
              'checkpoint',
              '--leave-running',
              '--export',
              handFile,
              '--compress',
              'zstd',
              redis.id,
            ]),
          )
        )[0],
      );

      const appName = `pbench-app-${tag()}`;
      const [importMs, imported] = await timed(() =>
        s.portable.import({ file: appFile, label: 'bench', engineId: 'p', name: appName, count: 1 }),
      );
      if (imported.instances.some((i) => i.error))
        throw new Error(`the import failed: ${imported.instances[0]!.error}`);
      add('import as one', 'app', importMs);
      const handName = `pbench-hand-${tag()}`;
      add(
        'import as one',
        'podman',
        (await timed(() => podman(['container', 'restore', '--import', handFile, '--name', handName])))[0],
      );
      await drop(appName);
      await drop(handName);

      const appImage = `localhost/pbench/app-${tag()}:1`;
      const handImage = `localhost/pbench/podman-${tag()}:1`;
      images.push(appImage, handImage);
      const [imageMs] = await timed(async () => {
        await checkpoint(s, 'p', redis.id, `i${run}`);
        await s.images.create({ engineId: 'p', container: redis.id, checkpoint: `i${run}`, image: appImage });
      });
      add('checkpoint + image', 'app', imageMs);
      add(
        'checkpoint + image',
        'podman',
        (
          await timed(() =>
            podman(['container', 'checkpoint', '--leave-running', '--create-image', handImage, redis.id]),
          )
        )[0],
      );

      const fromApp = `pbench-img-app-${tag()}`;
      const [restoreMs, restored] = await timed(() =>
        s.images.restore({ engineId: 'p', image: appImage, name: fromApp, count: 1 }),
      );
      if (restored.instances.some((i) => i.error))
        throw new Error(`the image restore failed: ${restored.instances[0]!.error}`);
      add('image restored as one', 'app', restoreMs);
      const fromHand = `pbench-img-podman-${tag()}`;
      add(
        'image restored as one',
        'podman',
        (await timed(() => podman(['container', 'restore', '--name', fromHand, handImage])))[0],
      );
      await drop(fromApp);
      await drop(fromHand);
      fs.rmSync(appFile, { force: true });
      fs.rmSync(handFile, { force: true });
    }
    const version = (await pdocker.version()).Version;
    return {
      version,
      rows: Object.entries(times).map(([work, t]) => {
        const a = median(t.app);
        const p = median(t.podman);
        return {
          work,
          appMedianMs: Math.round(a),
          podmanMedianMs: Math.round(p),
          ratio: +(a / p).toFixed(2),
        };
      }),
    };
  } finally {
    await mine.cleanup();
    for (const i of images)
      await pdocker
        .getImage(i)
        .remove({ force: true })
        .catch(() => undefined);
    s.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

runMain(main);
