// The floor under every checkpoint the app takes: the test bed's workloads as plain host processes,
// checkpointed (left running) and restored by CRIU alone, with CRIU's own timings. Whatever the
// engine's CLI and the app take above these figures is theirs, not CRIU's. Prints a table of medians
// and writes JSON to artifacts/bench/criu-alone-bench.json. Runs as root, with the test bed up.
import { median, report, runMain } from './bench-util';
import { WORKLOADS, criuAlone, type CriuAloneResult } from './criu-alone';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function main() {
  const results: CriuAloneResult[] = [];
  for (const w of WORKLOADS) {
    process.stderr.write(`${w}: ${RUNS} runs\n`);
    results.push(await criuAlone(w, RUNS));
  }
  const ms = (xs: number[]) => Math.round(median(xs) * 10) / 10;
  const table = results.map((r) => ({
    workload: r.workload,
    dumpWallMs: ms(r.checkpointMs),
    frozenMs: ms(r.frozenMs),
    freezingMs: ms(r.freezingMs),
    memdumpMs: ms(r.memdumpMs),
    memwriteMs: ms(r.memwriteMs),
    imageMB: Math.round(median(r.imageBytes) / 1e5) / 10,
    restoreWallMs: ms(r.restoreMs),
    restoreTimeMs: ms(r.restoreTimeMs),
  }));
  const cols: [keyof (typeof table)[number], string][] = [
    ['workload', 'workload'],
    ['dumpWallMs', 'dump wall'],
    ['frozenMs', 'frozen (downtime)'],
    ['freezingMs', 'freezing'],
    ['memdumpMs', 'memdump'],
    ['memwriteMs', 'memwrite'],
    ['imageMB', 'images MB'],
    ['restoreWallMs', 'restore wall'],
    ['restoreTimeMs', 'restore_time'],
  ];
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(i ? 19 : 18)).join('');
  const lines = [
    `CRIU ${results[0]?.criuVersion} alone, host processes — ${RUNS} runs each, medians in ms`,
    '',
    row(cols.map(([, h]) => h)),
    ...table.map((t) => row(cols.map(([k]) => String(t[k])))),
  ];
  report('criu-alone-bench', lines, { when: new Date().toISOString(), runs: RUNS, table, results });
}

runMain(main);
