// Decodes what a checkpoint holds from its CRIU images: the process tree, each process's memory
// areas and how much of each was dumped, its open files and sockets, and CRIU's timings. Reads the
// metadata images only: pages files are counted, never read, so a checkpoint of gigabytes of
// memory decodes in the time its few small images take. Bad images are reported, not fatal.
import type { InspectionT, InspectProcessT, MemoryAreaT, OpenFileT, SocketInfoT } from '../ipc/contract';
import { collectEntries, InspectError, type Collected } from './collect';
import { FD_TYPE, MAP_GROWSDOWN, PAGE_SIZE, PE, TASK_STATE, VMA } from './criu-tables';
import { hex, protString } from './formatters';
import { Decoder } from './image-reader';
import {
  coreFile,
  fdinfoFile,
  FILES,
  fsFile,
  idsFile,
  INVENTORY,
  mmFile,
  pagemapFile,
  PSTREE,
  STATS_DUMP,
  TTY_INFO,
} from './image-names';
import { describeFile, socketOf } from './open-files';
import { podmanMeta } from './podman-meta';
import {
  addr,
  type CoreEntry,
  type FdinfoEntry,
  type FileEntry,
  type FsEntry,
  type InventoryEntry,
  type KobjIds,
  type MmEntry,
  type PagemapEntry,
  type PagemapHead,
  type PstreeEntry,
  type StatsEntry,
  type TtyInfoEntry,
  type VmaEntry,
} from './schemas';
import { SourceError, type CheckpointSource } from './sources';

export { InspectError };

function memoryKind(v: VmaEntry, stackTop: bigint): MemoryAreaT['kind'] {
  const s = v.status ?? 0;
  // CRIU marks the main stack only as private anonymous memory: it is the one holding the stack
  // pointer recorded at dump, or one that grows down.
  const inStack = addr(v.start) <= stackTop && stackTop < addr(v.end);
  if (s & VMA.VSYSCALL) return 'vsyscall';
  if (s & VMA.VDSO) return 'vdso';
  if (s & VMA.VVAR) return 'vvar';
  if (s & VMA.HEAP) return 'heap';
  if (s & VMA.STACK || inStack || (v.flags ?? 0) & MAP_GROWSDOWN) return 'stack';
  if (s & VMA.SYSVIPC) return 'sysv-shm';
  if (s & (VMA.FILE_PRIVATE | VMA.FILE_SHARED)) return 'file';
  if (s & (VMA.ANON_PRIVATE | VMA.ANON_SHARED)) return 'anon';
  return 'other';
}

export interface PresentRun {
  /** First virtual address. */
  vaddr: bigint;
  pages: number;
}

/** The pagemap's runs whose pages are in the pages file, in file order. */
export function presentRuns(entries: PagemapEntry[]): PresentRun[] {
  const out: PresentRun[] = [];
  for (const e of entries) {
    const nr = Number(e.nr_pages ?? e.compat_nr_pages ?? 0);
    // Older images: no flags, so "not in a parent" means present (as CRIU reads them).
    const flags = e.flags ?? (e.in_parent ? PE.PARENT : PE.PRESENT);
    // LAZY only says the pages could be served lazily; they are in the file all the same.
    if (flags & PE.PRESENT) out.push({ vaddr: addr(e.vaddr), pages: nr });
  }
  return out;
}

export interface PageLayout {
  pid: number;
  /** pages-<pagesId>.img holds this process's dumped pages. */
  pagesId: number;
  runs: PresentRun[];
}

export async function inspectCheckpoint(source: CheckpointSource): Promise<InspectionT> {
  return (await inspectWithLayout(source)).inspection;
}

/** The inspection, plus where each process's pages sit in its pages file (for memory search). */
export async function inspectWithLayout(
  source: CheckpointSource,
): Promise<{ inspection: InspectionT; layout: PageLayout[] }> {
  let c: Collected;
  try {
    c = await collectEntries(source);
  } catch (e) {
    if (e instanceof SourceError || e instanceof InspectError) throw e;
    throw new InspectError(`${source.label}: ${(e as Error).message}`);
  }
  if (!c.images.has(INVENTORY)) {
    throw new InspectError(`${source.label} is not a CRIU checkpoint: it has no ${INVENTORY}`);
  }
  const d = new Decoder(c.images);
  const inventory = d.first<InventoryEntry>(INVENTORY, 'inventory_entry');
  const files = new Map<number, FileEntry>();
  for (const f of d.entries<FileEntry>(FILES, 'file_entry')) if (f.id !== undefined) files.set(f.id, f);
  const ttys = new Map<number, TtyInfoEntry>();
  for (const t of d.entries<TtyInfoEntry>(TTY_INFO, 'tty_info_entry'))
    if (t.id !== undefined) ttys.set(t.id, t);
  const regName = (id: number | undefined) => (id === undefined ? null : (files.get(id)?.reg?.name ?? null));

  const processes: InspectProcessT[] = [];
  const layout: PageLayout[] = [];
  const memory: MemoryAreaT[] = [];
  const openFiles: OpenFileT[] = [];
  const sockets: SocketInfoT[] = [];
  let pagesDumped = 0;

  for (const p of d.entries<PstreeEntry>(PSTREE, 'pstree_entry')) {
    if (p.pid === undefined) continue;
    const pid = p.pid;
    const core = d.first<CoreEntry>(coreFile(pid), 'core_entry');
    const ids = d.first<KobjIds>(idsFile(pid), 'task_kobj_ids_entry');
    const mm = d.first<MmEntry>(mmFile(pid), 'mm_entry');
    const fsEntry = d.first<FsEntry>(fsFile(pid), 'fs_entry');
    const runs = presentRuns(d.entries<PagemapEntry>(pagemapFile(pid), 'pagemap_entry', true));
    const head = d.first<PagemapHead>(pagemapFile(pid), 'pagemap_head');
    if (head?.pages_id !== undefined) layout.push({ pid, pagesId: head.pages_id, runs });
    pagesDumped += runs.reduce((n, r) => n + r.pages, 0);

    let mapped = 0;
    let dumped = 0;
    const stackTop = addr(mm?.mm_start_stack);
    for (const v of mm?.vmas ?? []) {
      const start = addr(v.start);
      const end = addr(v.end);
      if (end <= start) continue;
      let areaDumped = 0;
      for (const r of runs) {
        const rEnd = r.vaddr + BigInt(r.pages * PAGE_SIZE);
        const lo = r.vaddr > start ? r.vaddr : start;
        const hi = rEnd < end ? rEnd : end;
        if (hi > lo) areaDumped += Number(hi - lo);
      }
      const size = Number(end - start);
      const kind = memoryKind(v, stackTop);
      mapped += size;
      dumped += areaDumped;
      memory.push({
        pid,
        start: hex(start),
        end: hex(end),
        size,
        dumpedBytes: areaDumped,
        prot: protString(v.prot ?? 0),
        shared: Boolean((v.status ?? 0) & (VMA.FILE_SHARED | VMA.ANON_SHARED)),
        kind,
        path: kind === 'file' ? regName(Number(v.shmid ?? -1)) : null,
      });
    }

    const fds =
      ids?.files_id === undefined ? [] : d.entries<FdinfoEntry>(fdinfoFile(ids.files_id), 'fdinfo_entry');
    for (const fdi of fds) {
      const f = files.get(fdi.id ?? -1);
      const fd = fdi.fd ?? -1;
      openFiles.push({
        pid,
        fd,
        type: FD_TYPE[fdi.type ?? 0] ?? `type ${fdi.type}`,
        description: describeFile(f, ttys),
      });
      const sk = f ? socketOf(pid, fd, f) : null;
      if (sk) sockets.push(sk);
    }

    processes.push({
      pid,
      ppid: p.ppid ?? 0,
      pgid: p.pgid ?? 0,
      sid: p.sid ?? 0,
      comm: core?.tc?.comm ?? '?',
      state: TASK_STATE[core?.tc?.task_state ?? 0] ?? 'unknown',
      threads: p.threads?.length ?? 1,
      exe: regName(mm?.exe_file_id),
      cwd: regName(fsEntry?.cwd_id),
      root: regName(fsEntry?.root_id),
      mappedBytes: mapped,
      dumpedBytes: dumped,
      fds: fds.length,
    });
  }
  if (processes.length === 0 && !d.problems.length) d.problems.push(`${PSTREE} lists no process`);

  const problems = d.problems;
  // Podman keeps CRIU's statistics next to the images; Docker's runtime deletes them.
  const statsBuf = c.images.get(STATS_DUMP) ?? c.meta.get(STATS_DUMP);
  let stats: InspectionT['stats'] = null;
  if (statsBuf) {
    const sd = new Decoder(new Map([[STATS_DUMP, statsBuf]]));
    const st = sd.first<StatsEntry>(STATS_DUMP, 'stats_entry')?.dump;
    problems.push(...sd.problems);
    if (st) {
      stats = {
        freezingUs: st.freezing_time ?? null,
        frozenUs: st.frozen_time ?? null,
        memdumpUs: st.memdump_time ?? null,
        memwriteUs: st.memwrite_time ?? null,
        pagesScanned: st.pages_scanned ?? null,
        pagesSkippedParent: st.pages_skipped_parent ?? null,
        pagesWritten: st.pages_written ?? null,
      };
    }
  }

  const imageFiles = [...c.imageFiles].sort((a, b) => a.name.localeCompare(b.name));
  const inspection: InspectionT = {
    label: source.label,
    format: source.format,
    imgVersion: inventory?.img_version ?? null,
    dumpedAt: c.dumpedAt,
    totals: {
      imageBytes: imageFiles.reduce((n, f) => n + f.size, 0),
      pagesBytes: imageFiles.filter((f) => f.kind === 'pages').reduce((n, f) => n + f.size, 0),
      pagesDumped,
      mappedBytes: processes.reduce((n, p) => n + p.mappedBytes, 0),
      processes: processes.length,
      threads: processes.reduce((n, p) => n + p.threads, 0),
    },
    processes: processes.sort((a, b) => a.pid - b.pid),
    memory,
    files: openFiles,
    sockets,
    stats,
    imageFiles,
    listing: source.metadataOnly ? 'metadata-only' : 'complete',
    podman: podmanMeta(c, problems),
    problems,
  };
  return { inspection, layout };
}
