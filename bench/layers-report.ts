// The three-layer benchmark's rows, issue 17's targets judged from their medians, and the table.
import { median } from './bench-util';
import type { MatrixEngine } from '../testbed/support';

export type Layer = 'criu' | 'api' | 'engine' | 'service' | 'appCli';
export interface Row {
  operation: string;
  ms: Record<Layer, number[]>;
  downtime: Record<Layer, number[]>;
  /** CRIU's own frozen time of the app's checkpoints, where the engine keeps its statistics (Podman). */
  criuFrozenMs: number[];
  note?: string;
}

export const row = (operation: string, note?: string): Row => ({
  operation,
  ms: { criu: [], api: [], engine: [], service: [], appCli: [] },
  downtime: { criu: [], api: [], engine: [], service: [], appCli: [] },
  criuFrozenMs: [],
  ...(note ? { note } : {}),
});

export interface Target {
  engine: string;
  what: string;
  limitMs: number;
  measuredMs: number;
  met: boolean;
}

/** Issue 17's targets, from the medians. */
export function targets(engine: MatrixEngine, rows: Row[]): Target[] {
  const out: Target[] = [];
  const med = (xs: number[]) => (xs.length ? median(xs) : NaN);
  // Against the engine's own API, called bare; a clone has no one call to compare with.
  for (const r of rows.filter((x) => x.ms.api.length)) {
    const apiMs = med(r.ms.api);
    const limit = Math.max(apiMs + 100, apiMs * 1.1);
    out.push({
      engine: engine.id,
      what: `call ≤ API +0.1 s or 1.1×: ${r.operation}`,
      limitMs: limit,
      measuredMs: med(r.ms.service),
      met: med(r.ms.service) <= limit,
    });
  }
  const clone = rows.find((r) => r.operation.startsWith('clone'))!;
  const restore = rows.find((r) => r.operation.startsWith('restore'))!;
  if (engine.kind === 'docker') {
    const limit = 1.1 * med(clone.ms.engine);
    out.push({
      engine: engine.id,
      what: 'Docker clone N=5 ≤ 1.1× copy in engine + start all',
      limitMs: limit,
      measuredMs: med(clone.ms.service),
      met: med(clone.ms.service) <= limit,
    });
  } else {
    out.push({
      engine: engine.id,
      what: 'Podman clone N=5 ≤ 1.5 s',
      limitMs: 1500,
      measuredMs: med(clone.ms.service),
      met: med(clone.ms.service) <= 1500,
    });
    out.push({
      engine: engine.id,
      what: 'Podman restore in place ≤ 0.55 s',
      limitMs: 550,
      measuredMs: med(restore.ms.service),
      met: med(restore.ms.service) <= 550,
    });
  }
  return out;
}

export function layersTable(
  runs: number,
  results: { engine: MatrixEngine; rows: Row[] }[],
  all: Target[],
): string[] {
  const s = (xs: number[]) => (xs.length ? `${(median(xs) / 1000).toFixed(2)}` : '–');
  const ratio = (a: number[], b: number[]) =>
    a.length && b.length ? (median(a) / median(b)).toFixed(2) : '–';
  const pad = (x: string, n: number) => x.padEnd(n);
  const lines = [
    `Three layers — medians of ${runs}, seconds; downtime (frozen) in brackets; one run of the bench`,
    '',
  ];
  lines.push(
    `${pad('operation', 42)}${pad('CRIU', 15)}${pad('engine API', 15)}${pad('engine CLI', 15)}${pad('app call', 15)}${pad('app CLI', 15)}${pad('app/API', 9)}${pad('app/CLI', 9)}API/CRIU`,
  );
  const withDown = (r: Row, l: Layer) =>
    `${s(r.ms[l])}${r.downtime[l].length ? ` [${s(r.downtime[l])}]` : ''}`;
  for (const { engine, rows } of results) {
    lines.push('', engine.label);
    for (const r of rows)
      lines.push(
        `  ${pad(r.operation, 40)}${pad(withDown(r, 'criu'), 15)}${pad(withDown(r, 'api'), 15)}${pad(withDown(r, 'engine'), 15)}${pad(withDown(r, 'service'), 15)}${pad(withDown(r, 'appCli'), 15)}${pad(ratio(r.ms.service, r.ms.api), 9)}${pad(ratio(r.ms.service, r.ms.engine), 9)}${ratio(r.ms.api, r.ms.criu)}`,
      );
  }
  lines.push('', 'Targets (issue 17):');
  for (const t of all)
    lines.push(
      `  ${t.met ? 'met    ' : 'NOT met'} ${pad(t.engine, 7)}${pad(t.what, 58)}${(t.measuredMs / 1000).toFixed(2)} s ≤ ${(t.limitMs / 1000).toFixed(2)} s`,
    );
  lines.push(
    '',
    'CRIU: a host process of the same image chrooted, criu dump --leave-running / restore -d (bench/criu-alone.ts).',
    'engine API: one bare HTTP request on its socket (bench/engine-api.ts): the floor for any client of the API.',
    'engine CLI: docker checkpoint create / start --checkpoint / create + cp -al + start all; podman container',
    '  checkpoint --export (uncompressed) / restore (local) / restore --import ×5, three at once.',
    'app call: the service inside a long-lived process; app CLI: node bin/checkpoint-studio.js, wall time.',
    "downtime: CRIU's frozen_time for CRIU alone; for containers, their freezer cgroup watched every ms from outside.",
    'A restore by the app includes bringing the loopback up again where the engine leaves it down (every engine',
    '  here but Docker 20.10, for a container with no network); the engine API and CLI leave it down.',
  );
  return lines;
}
