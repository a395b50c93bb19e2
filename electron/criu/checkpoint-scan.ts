// A checkpoint's summary from its files, read once as a stream (a tar from the engine's archive
// endpoint, or a folder): sizes, the process tree with names, dumped pages, and CRIU's own
// statistics when the stats file is there. Page contents are never read, only counted.
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { CriuImageError, parseImage } from './image-format';
import {
  decode,
  type CoreEntry,
  type DumpStats,
  type InventoryEntry,
  type PagemapEntry,
  type PagemapHead,
  type PstreeEntry,
  type StatsEntry,
} from './schemas';

export const PAGE_SIZE = 4096;
/** Metadata files bigger than this are listed but not decoded. */
const MAX_METADATA_BYTES = 64 * 1024 * 1024;

export interface ProcessSummary {
  pid: number;
  ppid: number;
  comm: string;
  threads: number;
}

export interface CheckpointSummary {
  files: { name: string; size: number }[];
  totalBytes: number;
  pagesBytes: number;
  /** Pages in the pagemaps, not counting those in a parent (incremental) image. */
  pagesDumped: number;
  processes: ProcessSummary[];
  imgVersion: number | null;
  dumpStats: DumpStats | null;
  /** Files Checkpoint Studio could not decode, with the reason: reported, never fatal. */
  problems: string[];
  /** When CRIU wrote the inventory (the end of the dump), ms since epoch, if the source says. */
  dumpedAt: number | null;
}

const WANTED = /^(inventory\.img|pstree\.img|pagemap-\d+\.img|core-\d+\.img|stats-dump)$/;

export class CheckpointScanner {
  private readonly files: { name: string; size: number }[] = [];
  private readonly decoded = new Map<string, Buffer>();
  private dumpedAt: number | null = null;

  /** Offers one file; `read` is called only for the files worth decoding. */
  async add(name: string, size: number, read: () => Promise<Buffer>, mtimeMs?: number): Promise<void> {
    this.files.push({ name, size });
    if (name === 'inventory.img' && mtimeMs) this.dumpedAt = mtimeMs;
    if (WANTED.test(name) && size <= MAX_METADATA_BYTES) this.decoded.set(name, await read());
  }

  finish(): CheckpointSummary {
    const problems: string[] = [];
    const safe = <T>(file: string, fn: () => T): T | null => {
      try {
        return fn();
      } catch (e) {
        problems.push(e instanceof CriuImageError ? e.message : `${file}: ${(e as Error).message}`);
        return null;
      }
    };
    const entriesOf = (file: string) => {
      const buf = this.decoded.get(file);
      return buf ? safe(file, () => parseImage(file, buf).entries) : null;
    };

    const inv = entriesOf('inventory.img');
    const inventory = inv?.[0]
      ? safe('inventory.img', () => decode<InventoryEntry>('inventory_entry', inv[0]!))
      : null;

    const processes: ProcessSummary[] = [];
    for (const raw of entriesOf('pstree.img') ?? []) {
      const p = safe('pstree.img', () => decode<PstreeEntry>('pstree_entry', raw));
      if (!p || p.pid === undefined) continue;
      const coreEntries = entriesOf(`core-${p.pid}.img`);
      const core = coreEntries?.[0]
        ? safe(`core-${p.pid}.img`, () => decode<CoreEntry>('core_entry', coreEntries[0]!))
        : null;
      processes.push({
        pid: p.pid,
        ppid: p.ppid ?? 0,
        comm: core?.tc?.comm ?? '?',
        threads: p.threads?.length ?? 1,
      });
    }

    let pagesDumped = 0;
    for (const file of this.decoded.keys()) {
      if (!file.startsWith('pagemap-')) continue;
      const entries = entriesOf(file) ?? [];
      entries.slice(1).forEach((raw) => {
        const e = safe(file, () => decode<PagemapEntry>('pagemap_entry', raw));
        if (e && !e.in_parent) pagesDumped += e.nr_pages ?? e.compat_nr_pages ?? 0;
      });
      if (entries[0]) safe(file, () => decode<PagemapHead>('pagemap_head', entries[0]!));
    }

    const st = entriesOf('stats-dump');
    const stats = st?.[0] ? safe('stats-dump', () => decode<StatsEntry>('stats_entry', st[0]!)) : null;

    const files = [...this.files].sort((a, b) => a.name.localeCompare(b.name));
    return {
      files,
      totalBytes: files.reduce((n, f) => n + f.size, 0),
      pagesBytes: files.filter((f) => /^pages-\d+\.img$/.test(f.name)).reduce((n, f) => n + f.size, 0),
      pagesDumped,
      processes: processes.sort((a, b) => a.pid - b.pid),
      imgVersion: inventory?.img_version ?? null,
      dumpStats: stats?.dump ?? null,
      problems,
      dumpedAt: this.dumpedAt,
    };
  }
}

async function collect(stream: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    size += c.length;
    if (size > limit) throw new Error('file larger than its header said');
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/**
 * Scans a tar of one checkpoint folder (as the engine's archive endpoint sends it: every entry
 * under one top folder). Regular files only; links and anything else are listed as problems.
 */
export async function scanCheckpointTar(stream: Readable): Promise<CheckpointSummary> {
  const scanner = new CheckpointScanner();
  const extract = tar.extract();
  const problems: string[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      const parts = h.name.split('/').filter(Boolean);
      const name = parts.slice(1).join('/');
      if (h.type === 'file' && parts.length === 2) {
        let consumed = false;
        await scanner.add(
          name,
          h.size ?? 0,
          async () => {
            consumed = true;
            return collect(entry as AsyncIterable<Buffer>, h.size ?? 0);
          },
          h.mtime?.getTime(),
        );
        if (!consumed) entry.resume();
      } else {
        if (h.type !== 'directory')
          problems.push(`${h.name}: ${h.type} entries are not part of a checkpoint; ignored`);
        entry.resume();
      }
    }
  })();
  stream.on('error', (e) => extract.destroy(e));
  stream.pipe(extract);
  await done;
  const summary = scanner.finish();
  summary.problems.push(...problems);
  return summary;
}
