// Decodes what a checkpoint holds from its CRIU images: the process tree, each process's memory
// areas and how much of each was dumped, its open files and sockets, and CRIU's timings. Reads the
// metadata images only: pages files are counted, never read, so a checkpoint of gigabytes of
// memory decodes in the time its few small images take. Bad images are reported, not fatal.
import type { InspectionT, InspectProcessT, MemoryAreaT, OpenFileT, SocketInfoT } from '../ipc/contract';
import { CriuImageError, parseImage } from './image-format';
import {
  coreFile,
  fdinfoFile,
  FILES,
  fsFile,
  idsFile,
  imageKind,
  INVENTORY,
  isPagesFile,
  mmFile,
  pagemapFile,
  PSTREE,
  STATS_DUMP,
  TTY_INFO,
} from './image-names';
import {
  addr,
  decode,
  type CoreEntry,
  type FdinfoEntry,
  type FileEntry,
  type FsEntry,
  type InventoryEntry,
  type KobjIds,
  type MessageName,
  type MmEntry,
  type PagemapEntry,
  type PagemapHead,
  type PstreeEntry,
  type StatsEntry,
  type TtyInfoEntry,
  type VmaEntry,
} from './schemas';
import { SourceError, type CheckpointSource } from './sources';

export const PAGE_SIZE = 4096;
/** One metadata image larger than this is not decoded (real ones are at most a few MiB). */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;
/**
 * All metadata of one checkpoint together: real ones are a few MiB (a pagemap of a huge process,
 * tens). With two inspections at a time per app (WorkLimiter), this bounds the app's share.
 */
const MAX_METADATA_BYTES = 256 * 1024 * 1024;
const MAX_META_FILE_BYTES = 16 * 1024 * 1024;

export class InspectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InspectError';
  }
}

const META_READ = new Set(['config.dump', 'spec.dump', STATS_DUMP, 'deleted.files']);

// CRIU's own constants (criu/include/image.h, pagemap.h; linux socket values).
const VMA = {
  REGULAR: 1,
  STACK: 1 << 1,
  VSYSCALL: 1 << 2,
  VDSO: 1 << 3,
  HEAP: 1 << 5,
  FILE_PRIVATE: 1 << 6,
  FILE_SHARED: 1 << 7,
  ANON_SHARED: 1 << 8,
  ANON_PRIVATE: 1 << 9,
  SYSVIPC: 1 << 10,
  VVAR: 1 << 12,
};
const PE = { PARENT: 1, PRESENT: 4 };
const TASK_STATE: Record<number, string> = {
  1: 'alive',
  2: 'dead',
  3: 'stopped',
  6: 'zombie',
  7: 'helper',
  8: 'thread',
};
const FD_TYPE: Record<number, string> = {
  1: 'file',
  2: 'pipe',
  3: 'fifo',
  4: 'inet',
  5: 'unix',
  6: 'eventfd',
  7: 'eventpoll',
  8: 'inotify',
  9: 'signalfd',
  10: 'packet',
  11: 'tty',
  12: 'fanotify',
  13: 'netlink',
  14: 'namespace',
  15: 'tun',
  16: 'external',
  17: 'timerfd',
  18: 'memfd',
  19: 'bpfmap',
  20: 'pidfd',
};
const SK_STATE: Record<number, string> = {
  1: 'established',
  2: 'syn-sent',
  3: 'syn-recv',
  4: 'fin-wait1',
  5: 'fin-wait2',
  6: 'time-wait',
  7: 'close',
  8: 'close-wait',
  9: 'last-ack',
  10: 'listen',
  11: 'closing',
};
const SK_TYPE: Record<number, string> = { 1: 'stream', 2: 'dgram', 3: 'raw', 5: 'seqpacket' };
const TTY_TYPE: Record<number, string> = {
  1: 'pty',
  2: 'console',
  3: 'vt',
  4: 'ctty',
  5: 'external tty',
  6: 'serial',
};

function hex(n: number | bigint): string {
  return `0x${n.toString(16).padStart(12, '0')}`;
}

function ipv4(words: number[] | undefined): string {
  const v = words?.[0] ?? 0;
  return [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255].join('.');
}

function ipv6(words: number[] | undefined): string {
  const bytes = Buffer.alloc(16);
  (words ?? []).slice(0, 4).forEach((w, i) => bytes.writeUInt32LE(w >>> 0, i * 4));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // Shorten the longest run of zero groups, as people write addresses.
  const text = groups.join(':');
  const m = /(?:^|:)(0(?::0)+)(?:$|:)/.exec(text);
  return m ? text.replace(m[1]!, '').replace(/:{3,}/, '::') || '::' : text;
}

function protString(prot: number): string {
  return `${prot & 1 ? 'r' : '-'}${prot & 2 ? 'w' : '-'}${prot & 4 ? 'x' : '-'}`;
}

function unixName(name: Uint8Array | undefined): string {
  if (!name || name.length === 0) return '(unnamed)';
  const b = Buffer.from(name);
  return b[0] === 0 ? `@${b.subarray(1).toString('utf8')}` : b.toString('utf8');
}

interface Collected {
  images: Map<string, Buffer>;
  imageFiles: { name: string; size: number; kind: 'decoded' | 'pages' | 'listed' }[];
  meta: Map<string, Buffer>;
  metaSizes: Map<string, number>;
  volumes: number;
  dumpedAt: number | null;
}

async function collectEntries(source: CheckpointSource): Promise<Collected> {
  const c: Collected = {
    images: new Map(),
    imageFiles: [],
    meta: new Map(),
    metaSizes: new Map(),
    volumes: 0,
    dumpedAt: null,
  };
  let total = 0;
  for await (const e of source.open()) {
    if (e.role === 'meta') {
      c.metaSizes.set(e.name, e.size);
      if (e.name.startsWith('volumes/')) c.volumes++;
      if (META_READ.has(e.name) && e.size <= MAX_META_FILE_BYTES)
        c.meta.set(e.name, await e.read(MAX_META_FILE_BYTES));
      continue;
    }
    if (isPagesFile(e.name)) {
      c.imageFiles.push({ name: e.name, size: e.size, kind: 'pages' });
      continue;
    }
    if (imageKind(e.name) !== null && e.size <= MAX_IMAGE_BYTES) {
      total += e.size;
      if (total > MAX_METADATA_BYTES)
        throw new InspectError(
          `${source.label}: more than ${MAX_METADATA_BYTES} bytes of metadata; not a checkpoint Checkpoint Studio can read`,
        );
      c.images.set(e.name, await e.read(MAX_IMAGE_BYTES));
      c.imageFiles.push({ name: e.name, size: e.size, kind: 'decoded' });
      if (e.name === INVENTORY) c.dumpedAt = e.mtimeMs;
    } else {
      c.imageFiles.push({ name: e.name, size: e.size, kind: 'listed' });
    }
  }
  return c;
}

/** Decodes every entry of an image; problems are recorded and the image skipped, never thrown. */
class Decoder {
  readonly problems: string[] = [];

  constructor(private readonly images: Map<string, Buffer>) {}

  has(file: string): boolean {
    return this.images.has(file);
  }

  entries<T>(file: string, message: MessageName, skipHead = false): T[] {
    const buf = this.images.get(file);
    if (!buf) return [];
    try {
      const parsed = parseImage(file, buf);
      const out: T[] = [];
      let offset = 0;
      for (const [i, raw] of parsed.entries.entries()) {
        if (skipHead && i === 0) continue;
        try {
          out.push(decode<T>(message, raw));
        } catch (e) {
          throw new CriuImageError(file, offset, `entry ${i} does not decode (${(e as Error).message})`);
        }
        offset += raw.length + 4;
      }
      return out;
    } catch (e) {
      this.problems.push(e instanceof CriuImageError ? e.message : `${file}: ${(e as Error).message}`);
      return [];
    }
  }

  first<T>(file: string, message: MessageName): T | null {
    return this.entries<T>(file, message)[0] ?? null;
  }
}

const MAP_GROWSDOWN = 0x100;

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

function describeFile(f: FileEntry | undefined, ttys: Map<number, TtyInfoEntry>): string {
  if (!f) return 'unknown';
  if (f.reg) return f.reg.name ?? '(unnamed file)';
  if (f.pipe) return `pipe:[${f.pipe.pipe_id ?? '?'}]`;
  if (f.epfd) return `eventpoll (${f.epfd.tfd?.length ?? 0} watched)`;
  if (f.efd) return `eventfd (counter ${f.efd.counter ?? 0})`;
  if (f.tty) {
    const info = ttys.get(f.tty.tty_info_id ?? -1);
    return info ? `${TTY_TYPE[info.type ?? 0] ?? 'tty'} (rdev ${info.rdev ?? '?'})` : 'tty';
  }
  if (f.nsf) return `namespace ${f.nsf.ns_id ?? '?'}`;
  if (f.isk) return 'socket';
  if (f.usk) return `unix:${unixName(f.usk.name)}`;
  return FD_TYPE[f.type ?? 0] ?? `type ${f.type}`;
}

function socketOf(pid: number, fd: number, f: FileEntry): SocketInfoT | null {
  if (f.isk) {
    const k = f.isk;
    const v6 = k.family === 10;
    const addr = v6 ? ipv6(k.src_addr) : ipv4(k.src_addr);
    const proto =
      k.proto === 6 ? 'tcp' : k.proto === 17 ? 'udp' : k.proto === 1 ? 'icmp' : `proto ${k.proto}`;
    const state =
      proto === 'udp' ? (k.dst_port ? 'connected' : 'bound') : (SK_STATE[k.state ?? 0] ?? `state ${k.state}`);
    const remote = k.dst_port ? `${v6 ? `[${ipv6(k.dst_addr)}]` : ipv4(k.dst_addr)}:${k.dst_port}` : null;
    return {
      pid,
      fd,
      family: k.family === 2 ? 'inet' : v6 ? 'inet6' : 'other',
      proto,
      state,
      local: `${v6 ? `[${addr}]` : addr}:${k.src_port ?? 0}`,
      remote,
      port: k.src_port ?? null,
    };
  }
  if (f.usk) {
    const u = f.usk;
    return {
      pid,
      fd,
      family: 'unix',
      proto: SK_TYPE[u.type ?? 0] ?? `type ${u.type}`,
      state: u.state === 10 ? 'listen' : u.state === 1 ? 'connected' : 'unconnected',
      local: unixName(u.name) + (u.deleted ? ' (deleted)' : ''),
      remote: u.peer ? `peer inode ${u.peer}` : null,
      port: null,
    };
  }
  return null;
}

function podmanMeta(c: Collected, problems: string[]): InspectionT['podman'] {
  if (!c.metaSizes.has('config.dump') && !c.metaSizes.has('spec.dump')) return null;
  const json = (name: string): Record<string, unknown> | null => {
    const b = c.meta.get(name);
    if (!b) return null;
    try {
      return JSON.parse(b.toString('utf8')) as Record<string, unknown>;
    } catch {
      problems.push(`${name}: not valid JSON`);
      return null;
    }
  };
  const config = json('config.dump');
  const spec = json('spec.dump');
  let deleted: string[] = [];
  const del = c.meta.get('deleted.files');
  if (del) {
    try {
      const parsed = JSON.parse(del.toString('utf8')) as unknown;
      if (Array.isArray(parsed)) deleted = parsed.filter((x): x is string => typeof x === 'string');
    } catch {
      problems.push('deleted.files: not valid JSON');
    }
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const args = (spec?.process as { args?: unknown } | undefined)?.args;
  return {
    name: str(config?.name),
    image: str(config?.rootfsImageName) ?? str(config?.rootfsImage),
    createdAt: str(config?.createdTime),
    command: Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string') : null,
    rootfsDiffBytes: c.metaSizes.get('rootfs-diff.tar') ?? null,
    deletedFiles: deleted,
    volumes: c.volumes,
  };
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
