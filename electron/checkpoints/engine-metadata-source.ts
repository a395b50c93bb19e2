// A checkpoint on an engine, read file by file: the engine's archive endpoint tars a whole folder,
// so a checkpoint of 1 GB would cost 1 GB of transfer just to read its few KB of metadata. CRIU's
// file names are predictable from the images themselves (pstree gives the pids, ids the files
// table, pagemap the pages file), so the inspector asks for exactly those, and for the size of
// each pages file; pages are only streamed if someone reads them (memory search).
import type { IncomingMessage } from 'node:http';
import tar from 'tar-stream';
import { parseImage } from '../criu/image-format';
import {
  coreFile,
  fdinfoFile,
  FILES,
  fsFile,
  idsFile,
  INVENTORY,
  mmFile,
  pagemapFile,
  pagesFile,
  PSTREE,
  STATS_DUMP,
  TTY_INFO,
} from '../criu/image-names';
import { decode, type KobjIds, type PagemapHead, type PstreeEntry } from '../criu/schemas';
import { SourceError, type CheckpointSource, type SourceEntry } from '../criu/sources';
import { EngineHttpError } from '../engines/docker/docker-http';
import { createHelper, getArchive, type Helper } from '../engines/docker/helper-container';
import { checkpointsDir, type Target } from './container-target';

const PARALLEL = 8;
/** Images shared by the whole checkpoint; absent ones are fine. */
const GLOBAL = [INVENTORY, PSTREE, FILES, TTY_INFO, STATS_DUMP];
const PER_PROCESS = [coreFile, idsFile, mmFile, pagemapFile, fsFile];

interface PathStat {
  size: number;
  mtime: string;
}

async function stat(t: Target, helper: Helper, file: string): Promise<PathStat | null> {
  try {
    const res = await t.conn.engine.http.stream({
      method: 'HEAD',
      path: `/containers/${helper.id}/archive`,
      query: { path: file },
      ok: [200],
      timeoutMs: 30_000,
    });
    res.resume();
    const header = res.headers['x-docker-container-path-stat'];
    if (typeof header !== 'string') return null;
    return JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as PathStat;
  } catch (e) {
    if (e instanceof EngineHttpError && e.status === 404) return null;
    throw e;
  }
}

/** The single file inside a one-file archive, as a stream of chunks. */
async function* fileChunks(res: IncomingMessage): AsyncGenerator<Buffer> {
  const extract = tar.extract();
  res.pipe(extract as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of extract) {
      if (entry.header.type !== 'file') {
        entry.resume();
        continue;
      }
      for await (const c of entry as AsyncIterable<Buffer>) yield c;
    }
  } finally {
    // A reader that stops early (a memory search with enough hits) must not leave the engine's
    // answer half-read: it would hold the helper container, and its removal, until a timeout.
    res.destroy();
    extract.destroy();
  }
}

export function engineMetadataSource(t: Target, name: string): CheckpointSource {
  const base = `/cs/src/${name}`;
  return {
    label: `${t.name}:${name}`,
    format: 'docker',
    metadataOnly: true,
    async *open() {
      const helper = await createHelper(t.conn.engine, t.imageId, [
        { host: checkpointsDir(t.conn, t.id), container: '/cs/src', readOnly: true },
      ]);
      const entryFor = (file: string, s: PathStat): SourceEntry => {
        const chunks = async function* () {
          yield* fileChunks(await getArchive(t.conn.engine, helper.id, `${base}/${file}`));
        };
        return {
          name: file,
          role: 'image',
          size: s.size,
          mtimeMs: Date.parse(s.mtime) || null,
          chunks,
          read: async (limit: number) => {
            if (s.size > limit) throw new SourceError(`${file} is larger than ${limit} bytes; not decoded`);
            const parts: Buffer[] = [];
            for await (const c of chunks()) parts.push(c);
            return Buffer.concat(parts);
          },
        };
      };
      const fetchAll = async (
        files: string[],
      ): Promise<Map<string, { entry: SourceEntry; bytes: Buffer }>> => {
        const out = new Map<string, { entry: SourceEntry; bytes: Buffer }>();
        let next = 0;
        const worker = async () => {
          while (next < files.length) {
            const f = files[next++]!;
            const s = await stat(t, helper, `${base}/${f}`);
            if (!s) continue;
            const entry = entryFor(f, s);
            out.set(f, { entry, bytes: await entry.read(64 * 1024 * 1024) });
          }
        };
        await Promise.all(Array.from({ length: PARALLEL }, worker));
        return out;
      };
      const decoded = <T>(
        files: Map<string, { bytes: Buffer }>,
        file: string,
        message: Parameters<typeof decode>[0],
      ): T[] => {
        const f = files.get(file);
        if (!f) return [];
        try {
          return parseImage(file, f.bytes).entries.map((e) => decode<T>(message, e));
        } catch {
          return []; // the inspector reports the same problem with its file and offset
        }
      };
      const asEntry = (f: { entry: SourceEntry; bytes: Buffer }): SourceEntry => ({
        ...f.entry,
        read: async () => f.bytes,
        chunks: async function* () {
          yield f.bytes;
        },
      });

      try {
        if (!(await stat(t, helper, base)))
          throw new SourceError(`${t.name} has no checkpoint named "${name}"`);
        const global = await fetchAll(GLOBAL);
        for (const f of global.values()) yield asEntry(f);
        const pids = decoded<PstreeEntry>(global, PSTREE, 'pstree_entry')
          .map((p) => p.pid)
          .filter((p): p is number => p !== undefined);
        const perProcess = await fetchAll(pids.flatMap((pid) => PER_PROCESS.map((file) => file(pid))));
        for (const f of perProcess.values()) yield asEntry(f);
        const filesIds = new Set<number>();
        const pagesIds = new Set<number>();
        for (const pid of pids) {
          const ids = decoded<KobjIds>(perProcess, idsFile(pid), 'task_kobj_ids_entry')[0];
          if (ids?.files_id !== undefined) filesIds.add(ids.files_id);
          const head = decoded<PagemapHead>(perProcess, pagemapFile(pid), 'pagemap_head')[0];
          if (head?.pages_id !== undefined) pagesIds.add(head.pages_id);
        }
        const fdinfo = await fetchAll([...filesIds].map(fdinfoFile));
        for (const f of fdinfo.values()) yield asEntry(f);
        // Pages files: their size now, their content only if read.
        for (const id of pagesIds) {
          const file = pagesFile(id);
          const s = await stat(t, helper, `${base}/${file}`);
          if (s) yield entryFor(file, s);
        }
      } finally {
        await helper.remove();
      }
    },
  };
}
