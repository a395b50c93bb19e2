// One decoder per image kind, in a table as CRIU's crit keeps its handlers: each names its file and
// puts what its entries say into the checkpoint being decoded. decodeCheckpoint walks the images
// the way they refer to each other (pstree gives the pids, a process's ids its files table), so an
// image no process refers to is never decoded, and each image is decoded once.
import {
  coreFile,
  fdinfoFile,
  FILES,
  fsFile,
  idsFile,
  type ImageKind,
  INVENTORY,
  mmFile,
  pagemapFile,
  PSTREE,
  STATS_DUMP,
  TTY_INFO,
} from './image-names';
import { readImage, type ImageEntries } from './image-reader';
import { presentRuns, type PresentRun } from './memory';
import type {
  CoreEntry,
  DumpStats,
  FdinfoEntry,
  FileEntry,
  FsEntry,
  InventoryEntry,
  KobjIds,
  MmEntry,
  PagemapEntry,
  PagemapHead,
  PstreeEntry,
  StatsEntry,
  TtyInfoEntry,
} from './schemas';

/** One process's images; null where the image is absent or damaged. */
export interface ProcessImages {
  core: CoreEntry | null;
  ids: KobjIds | null;
  mm: MmEntry | null;
  fs: FsEntry | null;
  /** From the pagemap's head: the pages file's id. */
  pagesId: number | null;
  runs: PresentRun[];
}

export interface DecodedCheckpoint {
  inventory: InventoryEntry | null;
  /** files.img by file id: what fdinfo entries, mappings and fs entries point at. */
  files: Map<number, FileEntry>;
  ttys: Map<number, TtyInfoEntry>;
  pstree: PstreeEntry[];
  /** By pid, for every pstree entry with one. */
  processes: Map<number, ProcessImages>;
  /** By files table id: processes made with CLONE_FILES share one. */
  fdinfo: Map<number, FdinfoEntry[]>;
  stats: DumpStats | null;
  problems: string[];
}

interface ImageDecoder {
  /** The image's file, from the id in its name (a pid, a files table id) if it has one. */
  file: (id: number) => string;
  decode: (image: ImageEntries, into: DecodedCheckpoint, id: number) => void;
}

const processOf = (d: DecodedCheckpoint, pid: number): ProcessImages => d.processes.get(pid)!;

const DECODERS: Record<ImageKind, ImageDecoder> = {
  inventory: {
    file: () => INVENTORY,
    decode: (img, d) => {
      d.inventory = img.first<InventoryEntry>('inventory_entry');
    },
  },
  files: {
    file: () => FILES,
    decode: (img, d) => {
      for (const f of img.all<FileEntry>('file_entry')) if (f.id !== undefined) d.files.set(f.id, f);
    },
  },
  'tty-info': {
    file: () => TTY_INFO,
    decode: (img, d) => {
      for (const t of img.all<TtyInfoEntry>('tty_info_entry')) if (t.id !== undefined) d.ttys.set(t.id, t);
    },
  },
  pstree: {
    file: () => PSTREE,
    decode: (img, d) => {
      d.pstree = img.all<PstreeEntry>('pstree_entry');
    },
  },
  core: {
    file: coreFile,
    decode: (img, d, pid) => {
      processOf(d, pid).core = img.first<CoreEntry>('core_entry');
    },
  },
  ids: {
    file: idsFile,
    decode: (img, d, pid) => {
      processOf(d, pid).ids = img.first<KobjIds>('task_kobj_ids_entry');
    },
  },
  mm: {
    file: mmFile,
    decode: (img, d, pid) => {
      processOf(d, pid).mm = img.first<MmEntry>('mm_entry');
    },
  },
  fs: {
    file: fsFile,
    decode: (img, d, pid) => {
      processOf(d, pid).fs = img.first<FsEntry>('fs_entry');
    },
  },
  pagemap: {
    file: pagemapFile,
    decode: (img, d, pid) => {
      const p = processOf(d, pid);
      // The head is the first entry; the runs follow it.
      p.runs = presentRuns(img.all<PagemapEntry>('pagemap_entry', 1));
      p.pagesId = img.first<PagemapHead>('pagemap_head')?.pages_id ?? null;
    },
  },
  fdinfo: {
    file: fdinfoFile,
    decode: (img, d, filesId) => {
      d.fdinfo.set(filesId, img.all<FdinfoEntry>('fdinfo_entry'));
    },
  },
  stats: {
    file: () => STATS_DUMP,
    decode: (img, d) => {
      d.stats = img.first<StatsEntry>('stats_entry')?.dump ?? null;
    },
  },
};

const PER_PROCESS: ImageKind[] = ['core', 'ids', 'mm', 'fs', 'pagemap'];

/**
 * Decodes a checkpoint's images. statsDump is CRIU's statistics wherever the source kept them
 * (beside the images, or in Podman's metadata).
 */
export function decodeCheckpoint(images: Map<string, Buffer>, statsDump?: Buffer): DecodedCheckpoint {
  const d: DecodedCheckpoint = {
    inventory: null,
    files: new Map(),
    ttys: new Map(),
    pstree: [],
    processes: new Map(),
    fdinfo: new Map(),
    stats: null,
    problems: [],
  };
  const decodeImage = (kind: ImageKind, id: number, buf: Buffer | undefined) => {
    if (!buf) return;
    const image = readImage(DECODERS[kind].file(id), buf, d.problems);
    if (image) DECODERS[kind].decode(image, d, id);
  };
  const decodeFile = (kind: ImageKind, id = 0) => decodeImage(kind, id, images.get(DECODERS[kind].file(id)));

  for (const kind of ['inventory', 'files', 'tty-info', 'pstree'] as const) decodeFile(kind);
  for (const p of d.pstree) {
    if (p.pid === undefined || d.processes.has(p.pid)) continue;
    d.processes.set(p.pid, { core: null, ids: null, mm: null, fs: null, pagesId: null, runs: [] });
    for (const kind of PER_PROCESS) decodeFile(kind, p.pid);
    const filesId = d.processes.get(p.pid)!.ids?.files_id;
    if (filesId !== undefined && !d.fdinfo.has(filesId)) {
      // Set first: a damaged image shared by several processes is reported once.
      d.fdinfo.set(filesId, []);
      decodeFile('fdinfo', filesId);
    }
  }
  // Said only when no damaged image already explains the empty tree.
  if (d.processes.size === 0 && !d.problems.length) d.problems.push(`${PSTREE} lists no process`);
  decodeImage('stats', 0, statsDump);
  return d;
}
