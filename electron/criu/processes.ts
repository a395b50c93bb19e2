// The decoded images joined into what the inspector shows per process: its row in the process
// table, its memory areas, its open files and sockets, and where its dumped pages sit.
import type { InspectProcessT, MemoryAreaT, OpenFileT, SocketInfoT } from '../ipc/contract';
import { FD_TYPE, TASK_STATE } from './criu-tables';
import type { DecodedCheckpoint } from './decoders';
import { memoryAreas, type PageLayout } from './memory';
import { describeFile, socketOf } from './open-files';

export interface ProcessViews {
  processes: InspectProcessT[];
  memory: MemoryAreaT[];
  files: OpenFileT[];
  sockets: SocketInfoT[];
  layout: PageLayout[];
  /** Pages in the pages files, all processes together. */
  pagesDumped: number;
}

export function processViews(d: DecodedCheckpoint): ProcessViews {
  const v: ProcessViews = { processes: [], memory: [], files: [], sockets: [], layout: [], pagesDumped: 0 };
  const fileName = (id: number | undefined) =>
    id === undefined ? null : (d.files.get(id)?.reg?.name ?? null);

  for (const p of d.pstree) {
    if (p.pid === undefined) continue;
    const pid = p.pid;
    const { core, ids, mm, fs, pagesId, runs } = d.processes.get(pid)!;
    if (pagesId !== null) v.layout.push({ pid, pagesId, runs });
    v.pagesDumped += runs.reduce((n, r) => n + r.pages, 0);

    const areas = memoryAreas(pid, mm, runs, fileName);
    v.memory.push(...areas);

    const fds = ids?.files_id === undefined ? [] : (d.fdinfo.get(ids.files_id) ?? []);
    for (const fdi of fds) {
      const f = d.files.get(fdi.id ?? -1);
      const fd = fdi.fd ?? -1;
      v.files.push({
        pid,
        fd,
        type: FD_TYPE[fdi.type ?? 0] ?? `type ${fdi.type}`,
        description: describeFile(f, d.ttys),
      });
      const sk = f ? socketOf(pid, fd, f) : null;
      if (sk) v.sockets.push(sk);
    }

    v.processes.push({
      pid,
      ppid: p.ppid ?? 0,
      pgid: p.pgid ?? 0,
      sid: p.sid ?? 0,
      comm: core?.tc?.comm ?? '?',
      state: TASK_STATE[core?.tc?.task_state ?? 0] ?? 'unknown',
      threads: p.threads?.length ?? 1,
      exe: fileName(mm?.exe_file_id),
      cwd: fileName(fs?.cwd_id),
      root: fileName(fs?.root_id),
      mappedBytes: areas.reduce((n, a) => n + a.size, 0),
      dumpedBytes: areas.reduce((n, a) => n + a.dumpedBytes, 0),
      fds: fds.length,
    });
  }
  v.processes.sort((a, b) => a.pid - b.pid);
  return v;
}
