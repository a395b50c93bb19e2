// npm run bench (second part): how long the inspector takes to decode the metadata of a checkpoint
// of a process holding about 1 GB, and its peak memory, next to the floor — reading the pages
// files once. Each measurement runs in a fresh child process so its peak RSS is its own.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, report, runMain } from './bench-util';
import { benchServices, closeServices, runRedis } from './bench-setup';
import { checkpointFolder } from './engine-cli';
import { engineCheckpointSource } from '../electron/checkpoints/engine-source';
import { engineMetadataSource } from '../electron/checkpoints/engine-metadata-source';
import { inspectCheckpoint } from '../electron/criu/inspect';
import { folderSource } from '../electron/criu/sources';
import { Containers, dockerFor, execIn, testbed, REDIS_SERVER } from '../testbed/support';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Sample {
  ms: number;
  maxRssMb: number;
}

/** Child mode: one measurement, printed as JSON. */
async function child(mode: string, arg: string): Promise<void> {
  const t0 = performance.now();
  if (mode === 'decode-folder') {
    const i = await inspectCheckpoint(folderSource(arg));
    if (i.totals.pagesBytes === 0) throw new Error('no pages?');
  } else if (mode === 'read-pages') {
    for (const f of fs.readdirSync(arg).filter((n) => /^pages-\d+\.img$/.test(n))) {
      for await (const _ of fs.createReadStream(path.join(arg, f), { highWaterMark: 1 << 20 })) {
        /* read once, keep nothing */
      }
    }
  } else if (mode === 'decode-engine' || mode === 'decode-engine-tar') {
    const [host, id, name] = arg.split('|') as [string, string, string];
    const s = benchServices([{ id: 'b', name: 'b', host }], fs.mkdtempSync(path.join(os.tmpdir(), 'cs-ib-')));
    await s.registry.get('b').whenOnline(10_000);
    const t1 = performance.now();
    const t = await s.checkpoints.target('b', id);
    await inspectCheckpoint(
      mode === 'decode-engine' ? engineMetadataSource(t, name) : engineCheckpointSource(t, name),
    );
    const ms = performance.now() - t1;
    s.dispose();
    process.stdout.write(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
    return;
  }
  process.stdout.write(
    JSON.stringify({ ms: performance.now() - t0, maxRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
}

function measure(mode: string, arg: string): Sample {
  const res = spawnSync(process.execPath, [__filename, '--child', mode, arg], {
    encoding: 'utf8',
    env: process.env,
  });
  if (res.status !== 0) throw new Error(`${mode} failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as Sample;
}

function dropCaches(): void {
  // Cold reads for both sides, when allowed (root); otherwise both are warm alike.
  try {
    execFileSync('sync');
    fs.writeFileSync('/proc/sys/vm/drop_caches', '3');
  } catch {
    /* not root: compare warm reads */
  }
}

async function main(): Promise<void> {
  const tb = testbed();
  const docker = dockerFor(tb.dockerHost);
  const containers = new Containers(docker);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-ibench-'));
  const services = benchServices([{ id: 'bench', name: 'Bench', host: tb.dockerHost }], tmp);
  try {
    await services.registry.get('bench').whenOnline(10_000);
    process.stderr.write('filling a redis with about 1 GB…\n');
    const r = await runRedis(containers, { cmd: [...REDIS_SERVER, '--proto-max-bulk-len', '1gb'] });
    // SETRANGE writes every byte up to the offset: 1 GB of touched, dumpable memory.
    for (const k of ['a', 'b']) await execIn(docker, r.id, ['redis-cli', 'setrange', k, '500000000', 'x']);
    await services.checkpoints.create({
      engineId: 'bench',
      container: r.id,
      name: 'big',
      leaveRunning: true,
    });
    await services.checkpoints.idle();
    const dir = checkpointFolder(services.registry.get('bench').identity!.dataRoot, r.id, 'big');
    const pagesBytes = fs
      .readdirSync(dir)
      .filter((n) => /^pages-/.test(n))
      .reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    const metaBytes = fs
      .readdirSync(dir)
      .filter((n) => !/^pages-/.test(n))
      .reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);

    const rows: Record<string, Sample[]> = {
      'decode metadata (folder)': [],
      'read pages once (floor)': [],
      'decode via the engine, file by file': [],
      'decode via the engine, folder tar': [],
    };
    for (let i = 0; i < RUNS; i++) {
      process.stderr.write(`run ${i + 1}/${RUNS}\n`);
      dropCaches();
      rows['decode metadata (folder)']!.push(measure('decode-folder', dir));
      dropCaches();
      rows['read pages once (floor)']!.push(measure('read-pages', dir));
      dropCaches();
      rows['decode via the engine, file by file']!.push(
        measure('decode-engine', `${tb.dockerHost}|${r.id}|big`),
      );
      dropCaches();
      rows['decode via the engine, folder tar']!.push(
        measure('decode-engine-tar', `${tb.dockerHost}|${r.id}|big`),
      );
    }
    const floor = median(rows['read pages once (floor)']!.map((s) => s.ms));
    const table = Object.entries(rows).map(([operation, samples]) => ({
      operation,
      medianMs: Math.round(median(samples.map((s) => s.ms))),
      medianPeakRssMb: Math.round(median(samples.map((s) => s.maxRssMb))),
      vsFloor: Number((median(samples.map((s) => s.ms)) / floor).toFixed(3)),
      runsMs: samples.map((s) => Math.round(s.ms)),
    }));
    const lines = [
      `Inspector on a checkpoint of a process holding ${(pagesBytes / 1e9).toFixed(2)} GB (pages ${pagesBytes} B, metadata ${metaBytes} B), ${RUNS} runs, medians, page cache dropped before each`,
      '',
      `${'operation'.padEnd(38)}${'time'.padEnd(12)}${'peak RSS'.padEnd(12)}vs floor`,
      ...table.map(
        (t) =>
          `${t.operation.padEnd(38)}${`${t.medianMs} ms`.padEnd(12)}${`${t.medianPeakRssMb} MB`.padEnd(12)}${t.vsFloor.toFixed(3)}`,
      ),
    ];
    const json = {
      when: new Date().toISOString(),
      runs: RUNS,
      pagesBytes,
      metadataBytes: metaBytes,
      operations: table,
    };
    report('inspect-bench', lines, json);
  } finally {
    await closeServices(services, containers);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
runMain(() => (argv[0] === '--child' ? child(argv[1]!, argv[2]!) : main()));
