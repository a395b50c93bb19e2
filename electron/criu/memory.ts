// A process's memory as CRIU dumped it: which of its pages are in the pages file (the pagemap's
// present runs), and each mapped area with its kind and how many of its bytes were dumped.
import type { MemoryAreaT } from '../ipc/contract';
import { MAP_GROWSDOWN, PAGE_SIZE, PE, VMA } from './criu-tables';
import { hex, protString } from './formatters';
import { addr, type MmEntry, type PagemapEntry, type VmaEntry } from './schemas';

export interface PresentRun {
  /** First virtual address. */
  vaddr: bigint;
  pages: number;
}

/** Where one process's dumped pages sit, for reading them back (memory search). */
export interface PageLayout {
  pid: number;
  /** pagesFile(pagesId) holds this process's dumped pages. */
  pagesId: number;
  runs: PresentRun[];
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

/** The process's mapped areas, each with the bytes of it that the present runs cover. */
export function memoryAreas(
  pid: number,
  mm: MmEntry | null,
  runs: PresentRun[],
  fileName: (id: number) => string | null,
): MemoryAreaT[] {
  const areas: MemoryAreaT[] = [];
  const stackTop = addr(mm?.mm_start_stack);
  for (const v of mm?.vmas ?? []) {
    const start = addr(v.start);
    const end = addr(v.end);
    if (end <= start) continue;
    let dumped = 0;
    for (const r of runs) {
      const rEnd = r.vaddr + BigInt(r.pages * PAGE_SIZE);
      const lo = r.vaddr > start ? r.vaddr : start;
      const hi = rEnd < end ? rEnd : end;
      if (hi > lo) dumped += Number(hi - lo);
    }
    const kind = memoryKind(v, stackTop);
    areas.push({
      pid,
      start: hex(start),
      end: hex(end),
      size: Number(end - start),
      dumpedBytes: dumped,
      prot: protString(v.prot ?? 0),
      shared: Boolean((v.status ?? 0) & (VMA.FILE_SHARED | VMA.ANON_SHARED)),
      kind,
      // A file mapping's shmid is the id of its file in files.img.
      path: kind === 'file' ? fileName(Number(v.shmid ?? -1)) : null,
    });
  }
  return areas;
}
