// npm run bench -- cli-startup: how soon the command line gets to work. Issue 17's target is the
// time from the process's start to its first request written to the engine, at most 250 ms; a
// one-shot command that takes a second before it even asks the engine feels broken next to
// `docker ps`. Each case runs as its own process, as a user runs it, with
// CHECKPOINT_STUDIO_TRACE_STARTUP=1 (see electron/cli/startup-trace.ts) saying when its first
// request went out. Prints medians, with `node -e 0` (the floor) and the plain docker CLI beside
// them, and writes artifacts/bench/cli-startup.json.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, report, runMain } from './bench-util';
import { Containers, dockerFor, testbed, uniqueName } from '../testbed/support';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const TARGET_MS = 250;
const BIN = path.resolve(process.cwd(), 'bin', 'checkpoint-studio.js');

const tb = testbed();
const containers = new Containers(dockerFor(tb.dockerHost));

interface Run {
  wallMs: number;
  /** ms from the process's start to its first engine request; null when it made none. */
  firstRequestMs: number | null;
  code: number | null;
  err: string;
}

function runOnce(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /first engine request \([^)]*\) written at ([\d.]+) ms/.exec(err);
      resolve({ wallMs: performance.now() - t0, firstRequestMs: m ? Number(m[1]) : null, code, err });
    });
  });
}

interface Case {
  name: string;
  cmd: string;
  args: string[];
  /** Only the app's own command line says when its first request went out. */
  traced: boolean;
}

async function measure(c: Case, env: NodeJS.ProcessEnv): Promise<{ wall: number[]; first: number[] }> {
  const wall: number[] = [];
  const first: number[] = [];
  // One unmeasured run: the page cache, and the CLI's compile cache written on a first run.
  await runOnce(c.cmd, c.args, env);
  for (let i = 0; i < RUNS; i++) {
    const r = await runOnce(c.cmd, c.args, env);
    if (r.code !== 0) throw new Error(`${c.name} exited ${r.code}: ${r.err}`);
    wall.push(r.wallMs);
    if (r.firstRequestMs !== null) first.push(r.firstRequestMs);
    else if (c.traced && c.name !== 'checkpoint-studio --help')
      throw new Error(`${c.name} said nothing about its first request`);
  }
  return { wall, first };
}

async function main() {
  if (!fs.existsSync(path.resolve(process.cwd(), 'dist', 'cli', 'checkpoint-studio.js')))
    throw new Error('the command line is not built: npm run build');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-startup-bench-'));
  const env = {
    ...process.env,
    DOCKER_HOST: tb.dockerHost,
    CHECKPOINT_STUDIO_HOME: home,
    CHECKPOINT_STUDIO_TRACE_STARTUP: '1',
  };
  try {
    const name = uniqueName('startup-bench');
    await containers.run({ name, image: tb.busyboxImage, cmd: ['sleep', '600'] });
    // A checkpoint to list, so `checkpoints` reads a real row (best effort: the listing is timed
    // either way).
    const made = await runOnce(process.execPath, [BIN, 'checkpoint', name, '--leave-running'], env);
    const node = process.execPath;
    const cases: Case[] = [
      { name: 'node -e 0', cmd: node, args: ['-e', '0'], traced: false },
      { name: 'checkpoint-studio --help', cmd: node, args: [BIN, '--help'], traced: true },
      { name: 'checkpoint-studio ps', cmd: node, args: [BIN, 'ps', '--engine', tb.dockerHost], traced: true },
      {
        name: `checkpoint-studio checkpoints <c>`,
        cmd: node,
        args: [BIN, 'checkpoints', name, '--engine', tb.dockerHost],
        traced: true,
      },
      { name: 'docker ps', cmd: tb.dockerCli, args: ['ps'], traced: false },
    ];
    const results: Record<string, { wallMs: number; firstRequestMs: number | null }> = {};
    for (const c of cases) {
      const m = await measure(c, env);
      results[c.name] = { wallMs: median(m.wall), firstRequestMs: m.first.length ? median(m.first) : null };
    }
    const docker = results['docker ps']!.wallMs;
    const floor = results['node -e 0']!.wallMs;
    const fmt = (n: number | null) => (n === null ? '-' : n.toFixed(0));
    const lines = [
      `CLI start-up, median of ${RUNS} runs each (engine ${tb.dockerHost})`,
      '',
      `${'command'.padEnd(36)}${'wall ms'.padStart(9)}${'first req ms'.padStart(14)}${'× docker ps'.padStart(13)}`,
      ...cases.map((c) => {
        const r = results[c.name]!;
        return `${c.name.padEnd(36)}${fmt(r.wallMs).padStart(9)}${fmt(r.firstRequestMs).padStart(14)}${(r.wallMs / docker).toFixed(1).padStart(13)}`;
      }),
      '',
    ];
    const traced = cases.filter((c) => results[c.name]!.firstRequestMs !== null);
    const worst = Math.max(...traced.map((c) => results[c.name]!.firstRequestMs!));
    const met = worst <= TARGET_MS;
    lines.push(
      `target: first engine request within ${TARGET_MS} ms of start (node itself takes ${fmt(floor)} ms): ` +
        `${met ? 'met' : 'NOT met'} (slowest verb ${fmt(worst)} ms)`,
    );
    if (made.code !== 0)
      lines.push('note: no checkpoint could be made; `checkpoints` listed an empty container');
    report('cli-startup', lines, {
      runs: RUNS,
      engine: tb.dockerHost,
      targetMs: TARGET_MS,
      met,
      nodeFloorMs: floor,
      dockerPsMs: docker,
      cases: results,
    });
  } finally {
    await containers.cleanup();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

runMain(main);
