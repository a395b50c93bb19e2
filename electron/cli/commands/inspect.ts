// inspect, diff, memsearch: the checkpoint inspector on the command line.
import fs from 'node:fs';
import { Services } from '../../app/services';
import { diffInspections } from '../../criu/diff';
import { inspectCheckpoint, InspectError } from '../../criu/inspect';
import { searchMemory } from '../../criu/memsearch';
import { pathSource, SourceError, type CheckpointSource } from '../../criu/sources';
import { CheckpointName, ContainerRef, type InspectDiffT, type InspectionT } from '../../ipc/contract';
import { wholeNumber } from '../numbers';
import { onInterrupt, type VerbOptions } from '../command-services';
import { StudioError } from '../../ipc/errors';
import { bytes, millis } from '../../shared/format';
import type { CliIo } from '../cli-io';
import { commandEngine } from '../engine-args';
import { table } from '../table';

/** A folder or archive path if one exists; otherwise container:checkpoint on the engine. */
async function resolveSource(
  io: CliIo,
  o: VerbOptions,
  spec: string,
  services: () => Services,
): Promise<CheckpointSource> {
  if (fs.existsSync(spec)) return pathSource(spec);
  const m = /^([^:]+):([^:]+)$/.exec(spec);
  if (!m || !ContainerRef.safeParse(m[1]).success || !CheckpointName.safeParse(m[2]).success) {
    // A path that is not there is not found (exit 1), as a checkpoint that is not there is.
    if (spec.includes('/') || /\.(tar|gz|zst|tgz)$/.test(spec))
      throw new StudioError('not-found', `${spec} does not exist`);
    throw new StudioError(
      'invalid-argument',
      `"${spec}" is not a folder, an archive, or container:checkpoint`,
    );
  }
  const s = services();
  const spec2 = commandEngine(o.engine, io.env);
  const t = await s.checkpoints.target(spec2.id, m[1]!);
  return s.checkpoints.backend(t.conn).inspectSource(t, m[2]!);
}

async function withSources<T>(
  io: CliIo,
  o: VerbOptions,
  fn: (resolve: (spec: string) => Promise<CheckpointSource>) => Promise<T>,
): Promise<T> {
  let services: Services | null = null;
  const lazy = () =>
    (services ??= new Services({
      engines: [commandEngine(o.engine, io.env)],
      dataDir: o.dataDir,
      host: 'cli',
    }));
  const stop = onInterrupt(io, () => services);
  try {
    const result = await fn((spec) => resolveSource(io, o, spec, lazy));
    // Ctrl+C stopped a search or a reading: what it found is not the answer.
    if ((services as Services | null)?.cancellation.all.aborted)
      throw new StudioError('cancelled', 'Cancelled; what was read is let go.');
    return result;
  } catch (e) {
    // What the user named does not exist: not-found (exit 1, as everywhere); a damaged or hostile
    // archive is bad input.
    if (e instanceof SourceError && /does not exist$/.test(e.message))
      throw new StudioError('not-found', e.message);
    if (e instanceof SourceError || e instanceof InspectError)
      throw new StudioError('invalid-argument', e.message);
    throw e;
  } finally {
    stop();
    (services as Services | null)?.dispose();
  }
}

export function formatInspection(i: InspectionT): string {
  const out: string[] = [];
  out.push(`${i.label} (${i.format}${i.imgVersion !== null ? `, image format ${i.imgVersion}` : ''})`);
  out.push(
    `${i.totals.processes} process${i.totals.processes === 1 ? '' : 'es'}, ${i.totals.threads} threads; ` +
      `${bytes(i.totals.mappedBytes)} mapped, ${bytes(i.totals.pagesDumped * 4096)} dumped; files ${bytes(i.totals.imageBytes)}`,
  );
  out.push(
    '',
    table(
      ['PID', 'PPID', 'COMMAND', 'STATE', 'THR', 'EXE', 'CWD', 'MAPPED', 'DUMPED', 'FDS'],
      i.processes.map((p) => [
        String(p.pid),
        String(p.ppid),
        p.comm,
        p.state,
        String(p.threads),
        p.exe ?? '-',
        p.cwd ?? '-',
        bytes(p.mappedBytes),
        bytes(p.dumpedBytes),
        String(p.fds),
      ]),
    ),
  );
  if (i.sockets.length)
    out.push(
      '',
      table(
        ['PID', 'FD', 'PROTO', 'STATE', 'LOCAL', 'REMOTE'],
        i.sockets.map((s) => [String(s.pid), String(s.fd), s.proto, s.state, s.local, s.remote ?? '-']),
      ),
    );
  if (i.stats) {
    const s = i.stats;
    const us = (v: number | null) => (v === null ? '-' : millis(v / 1000));
    out.push(
      '',
      `CRIU: freezing ${us(s.freezingUs)}, frozen ${us(s.frozenUs)}, memory dump ${us(s.memdumpUs)}, write ${us(s.memwriteUs)}; pages scanned ${s.pagesScanned ?? '-'}, written ${s.pagesWritten ?? '-'}`,
    );
  }
  if (i.podman)
    out.push(
      '',
      `Podman export: ${i.podman.name ?? '?'} from ${i.podman.image ?? '?'}; root fs changes ${i.podman.rootfsDiffBytes === null ? '-' : bytes(i.podman.rootfsDiffBytes)}`,
    );
  for (const p of i.problems) out.push(`warning: ${p}`);
  return out.join('\n');
}

function formatDiff(d: InspectDiffT): string {
  const sign = (n: number) => (n >= 0 ? `+${bytes(n)}` : `-${bytes(-n)}`);
  const out = [
    `${d.a} → ${d.b}: files ${sign(d.sizeDelta)}, dumped memory ${sign(d.dumpedDelta)}, mapped ${sign(d.mappedDelta)}`,
  ];
  const list = (title: string, added: string[], removed: string[]) => {
    for (const a of added) out.push(`+ ${title} ${a}`);
    for (const r of removed) out.push(`- ${title} ${r}`);
  };
  list('process', d.processes.added, d.processes.removed);
  for (const c of d.processes.changed)
    out.push(
      `~ process ${c.process}: dumped ${sign(c.dumpedDelta)}, mapped ${sign(c.mappedDelta)}, fds ${c.fdsDelta >= 0 ? '+' : ''}${c.fdsDelta}`,
    );
  list('file', d.files.added, d.files.removed);
  list('socket', d.sockets.added, d.sockets.removed);
  return out.join('\n');
}

export async function inspectCommand(io: CliIo, o: VerbOptions & { source: string }): Promise<number> {
  return withSources(io, o, async (resolve) => {
    const i = await inspectCheckpoint(await resolve(o.source));
    io.out(o.json ? JSON.stringify(i, null, 2) : formatInspection(i));
    return 0;
  });
}

export async function diffCommand(io: CliIo, o: VerbOptions & { a: string; b: string }): Promise<number> {
  return withSources(io, o, async (resolve) => {
    const d = diffInspections(
      await inspectCheckpoint(await resolve(o.a)),
      await inspectCheckpoint(await resolve(o.b)),
    );
    io.out(o.json ? JSON.stringify(d, null, 2) : formatDiff(d));
    return 0;
  });
}

export async function memsearchCommand(
  io: CliIo,
  o: VerbOptions & {
    source: string;
    pattern: string;
    regex: boolean;
    pid?: string | undefined;
    maxHits?: string | undefined;
  },
): Promise<number> {
  const pid = wholeNumber('--pid', o.pid);
  if (pid !== undefined && pid <= 0)
    throw new StudioError('invalid-argument', `--pid must be a process id, not "${o.pid}"`);
  if (o.pattern === '')
    throw new StudioError('invalid-argument', 'the pattern is empty: it would match everywhere', {
      hint: 'Give the text (or, with --regex, the expression) to look for.',
    });
  const maxHits = wholeNumber('--max-hits', o.maxHits) ?? 100;
  if (!Number.isInteger(maxHits) || maxHits < 1 || maxHits > 1000)
    throw new StudioError('invalid-argument', '--max-hits is 1 to 1000');
  return withSources(io, o, async (resolve) => {
    let res;
    try {
      res = await searchMemory(await resolve(o.source), { pattern: o.pattern, regex: o.regex, pid, maxHits });
    } catch (e) {
      if (e instanceof Error && !(e instanceof StudioError))
        throw new StudioError('invalid-argument', e.message);
      throw e;
    }
    if (o.json) {
      io.out(JSON.stringify(res, null, 2));
    } else {
      io.err(
        'Memory can hold secrets (keys, passwords, tokens): treat this output like the checkpoint itself.',
      );
      for (const h of res.hits)
        io.out(
          [`pid ${h.pid} at ${h.address} in ${h.area}: ${h.match}`, ...h.hexdump.map((l) => `  ${l}`)].join(
            '\n',
          ),
        );
      io.out(
        `${res.hits.length} hit${res.hits.length === 1 ? '' : 's'} in ${bytes(res.scannedBytes)} of dumped memory${res.truncated ? ' (stopped early: more hits than asked for, or out of time)' : ''}.`,
      );
    }
    return res.hits.length > 0 ? 0 : 1;
  });
}
