// The bottom layer of the three-layer benchmark (issue 17): the containers' workloads run as plain
// host processes, checkpointed and restored by CRIU itself, with CRIU's own statistics. What the
// engine's CLI and the app add is measured against this. The processes run chrooted into the
// root file systems of the test bed's images, so the binaries and data are those of the containers.
import { execFile, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { timed } from './bench-util';
import { parseImage } from '../electron/criu/image-format';
import { decode, type PstreeEntry, type StatsEntry } from '../electron/criu/schemas';
import { COUNTER_SCRIPT, REDIS_SERVER, eventually, redisCommand, testbed } from '../testbed/support';

export type Workload = 'redis-97mb' | 'busybox-counter';
export const WORKLOADS: Workload[] = ['redis-97mb', 'busybox-counter'];

/** redis-97mb: this many keys of random values this long (about 97 MB of pages in the dump). */
export const REDIS_KEYS = 500_000;
export const REDIS_VALUE_BYTES = 100;

const CRIU = process.env.CS_CRIU ?? '/usr/local/sbin/criu';

/** Per run, in ms. CRIU's statistics are its own (microseconds in stats-dump/stats-restore). */
export interface CriuAloneResult {
  workload: Workload;
  criuVersion: string;
  runs: number;
  /** Wall time of `criu dump --leave-running`. */
  checkpointMs: number[];
  /** CRIU's frozen_time: how long the process was stopped, i.e. the checkpoint's downtime. */
  frozenMs: number[];
  freezingMs: number[];
  memdumpMs: number[];
  memwriteMs: number[];
  pagesWritten: number[];
  /** Size of the images folder. */
  imageBytes: number[];
  /** Wall time of `criu restore -d`. */
  restoreMs: number[];
  /** CRIU's restore_time. */
  restoreTimeMs: number[];
  forkingMs: number[];
  /** What the workload held: redis' INFO used_memory and DBSIZE; the counter's value at the first dump. */
  workloadInfo: Record<string, number>;
}

/**
 * The SET commands that fill redis-97mb, in Redis' protocol (for `redis-cli --pipe`). Random values,
 * so that no two pages are alike and nothing can dedupe or compress them away; shared with the
 * container layers so all three hold the same data.
 */
export function* redisFill(keys = REDIS_KEYS, valueBytes = REDIS_VALUE_BYTES): Generator<Buffer> {
  const raw = Math.ceil((valueBytes * 3) / 4);
  let chunk = '';
  for (let i = 0; i < keys; i++) {
    const k = `key:${i}`;
    const v = crypto.randomBytes(raw).toString('base64').slice(0, valueBytes);
    chunk += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`;
    if (chunk.length > 1 << 20) {
      yield Buffer.from(chunk);
      chunk = '';
    }
  }
  if (chunk) yield Buffer.from(chunk);
}

/** Runs `workload` as a host process and checkpoints and restores it `runs` times with CRIU. */
export async function criuAlone(workload: Workload, runs: number): Promise<CriuAloneResult> {
  const criuVersion = await criuReady();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-criu-alone-'));
  // The workload's pids, known as soon as it starts so that a failure anywhere still kills it.
  const pids: number[] = [];
  try {
    const tb = testbed();
    const root = path.join(tmp, 'root');
    await exportRootfs(workload === 'redis-97mb' ? tb.redisImage : tb.busyboxImage, root, tb);
    const w =
      workload === 'redis-97mb' ? await startRedis(root, tmp, pids) : await startCounter(root, tmp, pids);
    const r: CriuAloneResult = {
      workload,
      criuVersion,
      runs,
      checkpointMs: [],
      frozenMs: [],
      freezingMs: [],
      memdumpMs: [],
      memwriteMs: [],
      pagesWritten: [],
      imageBytes: [],
      restoreMs: [],
      restoreTimeMs: [],
      forkingMs: [],
      workloadInfo: w.info,
    };
    for (let run = 0; run < runs; run++) {
      const dir = path.join(tmp, `images-${run}`);
      fs.mkdirSync(dir);
      await w.quiesce();
      const before = await w.mark();
      const [dumpMs] = await timed(() =>
        criu(dir, 'dump.log', ['dump', '-t', String(w.pid), '--leave-running']),
      );
      const dump = stats(dir, 'stats-dump').dump ?? {};
      pids.splice(0, pids.length, ...treePids(dir));
      if (run === 0 && workload === 'busybox-counter') r.workloadInfo.counterAtFirstDump = before;

      await killTree(w.pid, pids);
      const [restoreMs] = await timed(() => criu(dir, 'restore.log', ['restore', '-d']));
      const restore = stats(dir, 'stats-restore').restore ?? {};
      await w.check(before);

      r.checkpointMs.push(dumpMs);
      r.frozenMs.push(us(dump.frozen_time));
      r.freezingMs.push(us(dump.freezing_time));
      r.memdumpMs.push(us(dump.memdump_time));
      r.memwriteMs.push(us(dump.memwrite_time));
      r.pagesWritten.push(dump.pages_written ?? 0);
      r.imageBytes.push(dirBytes(dir));
      r.restoreMs.push(restoreMs);
      r.restoreTimeMs.push(us(restore.restore_time));
      r.forkingMs.push(us(restore.forking_time));
      // A dump of redis is ~100 MB: one at a time on disk is enough.
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return r;
  } finally {
    // Whatever runs now, the original or a restored tree, has the same pids and process group.
    if (pids.length) await killTree(pids[0]!, pids).catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

interface Running {
  pid: number;
  info: Record<string, number>;
  /** Waits until CRIU can dump it without extra flags (no client connection left open). */
  quiesce(): Promise<void>;
  /** A value to compare after the restore (the counter's last number). */
  mark(): Promise<number>;
  /** Throws unless the restored process does its job. */
  check(mark: number): Promise<void>;
}

async function startRedis(root: string, tmp: string, pids: number[]): Promise<Running> {
  // TCP on loopback, not a unix socket: CRIU binds a restored unix socket's path from its own root,
  // not the chroot's, so a chrooted redis would come back listening on the host's /tmp.
  const port = await freePort();
  const pid = startIn(root, [...REDIS_SERVER, '--bind', '127.0.0.1', '--port', String(port)], tmp, pids);
  await eventually(async () => (await redisCommand(port, 'PING')) === 'PONG', 15_000, 'redis to answer');
  const cli = spawn('chroot', [root, '/usr/bin/redis-cli', '-h', '127.0.0.1', '-p', String(port), '--pipe'], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  Readable.from(redisFill()).pipe(cli.stdin);
  const code = await new Promise<number | null>((resolve) => cli.on('close', resolve));
  if (code !== 0) throw new Error(`redis-cli --pipe exited with ${code}`);
  const dbsize = Number(await redisCommand(port, 'DBSIZE'));
  if (dbsize !== REDIS_KEYS) throw new Error(`redis holds ${dbsize} keys, not ${REDIS_KEYS}`);
  const usedMemory = Number(/used_memory:(\d+)/.exec(await redisCommand(port, 'INFO memory'))?.[1]);
  return {
    pid,
    info: { usedMemoryBytes: usedMemory, keys: dbsize },
    quiesce: () => eventually(() => !tcpConnected(port), 5000, 'redis clients to disconnect').then(() => {}),
    mark: async () => 0,
    async check() {
      const pong = await redisCommand(port, 'PING');
      const n = Number(await redisCommand(port, 'DBSIZE'));
      if (pong !== 'PONG' || n !== REDIS_KEYS) throw new Error(`restored redis: ${pong}, DBSIZE ${n}`);
    },
  };
}

async function startCounter(root: string, tmp: string, pids: number[]): Promise<Running> {
  const log = path.join(tmp, 'workload.log');
  const pid = startIn(root, ['sh', '-c', COUNTER_SCRIPT], tmp, pids);
  const values = (from = 0) =>
    fs
      .readFileSync(log, 'utf8')
      .slice(from)
      .split('\n')
      .filter((l) => /^\d+$/.test(l))
      .map(Number);
  await eventually(() => values().length >= 2, 15_000, 'the counter to count');
  return {
    pid,
    info: {},
    quiesce: async () => {},
    mark: async () => values().at(-1)!,
    async check(before) {
      // The log is opened for appending, so the restored counter's lines come after everything
      // the original printed; they must carry on from where the dump froze it.
      const from = fs.statSync(log).size;
      const seen = await eventually(
        () => {
          const v = values(from);
          return v.length >= 2 ? v : undefined;
        },
        5000,
        'the restored counter to count',
      );
      if (seen[0]! <= before || seen[1] !== seen[0]! + 1)
        throw new Error(`restored counter printed ${seen.join(',')} after ${before}`);
    },
  };
}

/** Starts `cmd` chrooted into `root` in a session of its own, without a terminal (no --shell-job). */
function startIn(root: string, cmd: string[], tmp: string, pids: number[]): number {
  const out = fs.openSync(path.join(tmp, 'workload.log'), 'a');
  const child = spawn('chroot', [root, ...cmd], {
    detached: true,
    stdio: ['ignore', out, out],
    // chroot is found on the host; the command, with the same PATH, inside the root.
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
  });
  fs.closeSync(out);
  // chroot execs the command: the pid is the workload's own.
  child.on('error', () => undefined);
  child.unref();
  if (!child.pid) throw new Error(`could not start ${cmd[0]}`);
  pids.push(child.pid);
  return child.pid;
}

/** The image's root file system, through a stopped container on the test bed's engine. */
async function exportRootfs(image: string, root: string, tb: ReturnType<typeof testbed>): Promise<void> {
  fs.mkdirSync(root);
  const env = { ...process.env, DOCKER_HOST: tb.dockerHost };
  // Named, so that a test can tell ours from other containers on the shared engine.
  const name = `cs-criu-alone-${crypto.randomBytes(4).toString('hex')}`;
  const id = await run(tb.dockerCli, ['create', '--name', name, image], { env });
  try {
    await new Promise<void>((resolve, reject) => {
      const exp = spawn(tb.dockerCli, ['export', id], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      const tar = spawn('tar', ['-x', '-C', root], { stdio: ['pipe', 'ignore', 'inherit'] });
      exp.stdout.pipe(tar.stdin);
      let left = 2;
      const done = (what: string) => (code: number | null) => {
        if (code !== 0) reject(new Error(`${what} exited with ${code}`));
        else if (--left === 0) resolve();
      };
      exp.on('close', done('docker export'));
      tar.on('close', done('tar'));
    });
  } finally {
    await run(tb.dockerCli, ['rm', '-f', id], { env }).catch(() => undefined);
  }
}

async function criuReady(): Promise<string> {
  const check = await run(CRIU, ['check']);
  if (!/Looks good/.test(check)) throw new Error(`criu check: ${check}`);
  return /Version: (\S+)/.exec(await run(CRIU, ['--version']))?.[1] ?? 'unknown';
}

/** One CRIU command on the images in `dir`, its log beside them; a failure quotes the log's end. */
async function criu(dir: string, log: string, args: string[]): Promise<void> {
  try {
    await run(CRIU, [...args, '-D', dir, '-o', log, '-v2']);
  } catch (e) {
    const tail = fs.existsSync(path.join(dir, log))
      ? fs.readFileSync(path.join(dir, log), 'utf8').split('\n').slice(-15).join('\n')
      : '';
    throw new Error(`criu ${args[0]} failed: ${(e as Error).message}\n${tail}`);
  }
}

function stats(dir: string, file: 'stats-dump' | 'stats-restore'): StatsEntry {
  const img = parseImage(file, fs.readFileSync(path.join(dir, file)));
  if (!img.entries[0]) throw new Error(`${file} is empty`);
  return decode<StatsEntry>('stats_entry', img.entries[0]);
}

/** Every pid and thread id of the dumped tree: all must be free again before a restore. */
function treePids(dir: string): number[] {
  const img = parseImage('pstree.img', fs.readFileSync(path.join(dir, 'pstree.img')));
  return img.entries
    .map((e) => decode<PstreeEntry>('pstree_entry', e))
    .flatMap((p) => [p.pid ?? 0, ...(p.threads ?? [])])
    .filter((p) => p > 0);
}

/**
 * Kills the tree (its process group: the session leader's pid) and waits until its pids are free.
 * A restored tree's parent is init, which can take a second or more to reap it.
 */
async function killTree(leader: number, pids: number[]): Promise<void> {
  try {
    process.kill(-leader, 'SIGKILL');
  } catch {
    // Already gone.
  }
  const alive = () => pids.some((p) => fs.existsSync(`/proc/${p}`));
  await eventually(() => !alive(), 15_000, `pids ${pids.join(',')} to be reaped`);
}

/** Whether a client connection to the server on `port` is still open (CRIU would refuse it). */
function tcpConnected(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  // Columns: sl local remote st ...; 0A is LISTEN. TIME_WAIT (06) sockets belong to no process.
  return fs
    .readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .some((c) => c[1]?.endsWith(hex) && c[3] !== '0A' && c[3] !== '06');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function dirBytes(dir: string): number {
  return fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
}

const us = (v: number | undefined) => (v ?? 0) / 1000;

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { ...opts, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout.trim()),
    ),
  );
}
