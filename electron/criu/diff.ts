// What changed between two checkpoints, typically of the same container: processes that came or
// went, memory that grew, files and sockets opened or closed.
import type { InspectDiffT, InspectionT } from '../ipc/contract';

function setDiff(a: string[], b: string[]): { added: string[]; removed: string[] } {
  const sa = new Set(a);
  const sb = new Set(b);
  return { added: b.filter((x) => !sa.has(x)), removed: a.filter((x) => !sb.has(x)) };
}

const procKey = (p: { pid: number; comm: string }) => `${p.pid} ${p.comm}`;

export function diffInspections(a: InspectionT, b: InspectionT): InspectDiffT {
  const pa = new Map(a.processes.map((p) => [procKey(p), p]));
  const pb = new Map(b.processes.map((p) => [procKey(p), p]));
  const changed: InspectDiffT['processes']['changed'] = [];
  for (const [k, p] of pb) {
    const old = pa.get(k);
    if (!old) continue;
    const c = {
      process: k,
      dumpedDelta: p.dumpedBytes - old.dumpedBytes,
      mappedDelta: p.mappedBytes - old.mappedBytes,
      fdsDelta: p.fds - old.fds,
    };
    if (c.dumpedDelta || c.mappedDelta || c.fdsDelta) changed.push(c);
  }
  const fileKeys = (i: InspectionT) => i.files.map((f) => `${f.pid}:${f.fd} ${f.type} ${f.description}`);
  const sockKeys = (i: InspectionT) =>
    i.sockets.map((s) => `${s.pid} ${s.proto} ${s.local}${s.remote ? ` → ${s.remote}` : ''} ${s.state}`);
  const kinds = new Set([...a.memory, ...b.memory].map((m) => m.kind));
  const sum = (i: InspectionT, kind: string) =>
    i.memory.filter((m) => m.kind === kind).reduce((n, m) => n + m.dumpedBytes, 0);
  return {
    a: a.label,
    b: b.label,
    sizeDelta: b.totals.imageBytes - a.totals.imageBytes,
    dumpedDelta: b.totals.pagesDumped * 4096 - a.totals.pagesDumped * 4096,
    mappedDelta: b.totals.mappedBytes - a.totals.mappedBytes,
    processes: { ...setDiff([...pa.keys()], [...pb.keys()]), changed },
    files: setDiff(fileKeys(a), fileKeys(b)),
    sockets: setDiff(sockKeys(a), sockKeys(b)),
    memoryByKind: [...kinds].sort().map((kind) => ({ kind, a: sum(a, kind), b: sum(b, kind) })),
  };
}
