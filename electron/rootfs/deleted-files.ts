// Files the container deleted from its image, deleted on the target too. The engine API can add
// files to a container but not remove them, so the removal is written the way overlayfs itself
// records one: a whiteout (a character device 0:0 of that name) in the new container's upper
// layer, reached through a helper container. Engines whose storage has no upper directory
// (another graph driver, containerd's snapshotter) are told apart and reported, not guessed at.
import path from 'node:path';
import tar from 'tar-stream';
import type { Readable } from 'node:stream';
import type { DockerEngine } from '../engines/docker/docker-engine';
import { putArchive, withHelper } from '../engines/docker/helper-container';

interface Folder {
  mode: number;
  uid: number;
  gid: number;
}

/**
 * A folder's owner and mode in the source container, from the first header of its archive (the
 * rest is not read): parents written into the upper layer must look exactly as the source has them.
 */
async function folderOf(engine: DockerEngine, containerId: string, dir: string): Promise<Folder> {
  const res = await engine.http.stream({
    method: 'GET',
    path: `/containers/${containerId}/archive`,
    query: { path: dir },
    ok: [200],
    timeoutMs: 30_000,
  });
  const extract = tar.extract();
  res.pipe(extract as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of extract) {
      const h = entry.header;
      return { mode: (h.mode ?? 0o755) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0 };
    }
    throw new Error(`the source has no folder ${dir}`);
  } finally {
    res.destroy();
    extract.destroy();
  }
}

/** overlayfs's mark of a folder that hides what the layers below hold under that name. */
const OPAQUE = { 'SCHILY.xattr.trusted.overlay.opaque': 'y' };

/**
 * A tar recording `deleted` the way overlayfs does: a whiteout for what is gone, and for a folder
 * that was removed and made again (the source still has it) the folder marked opaque, so that the
 * image's old contents stay hidden under the new ones. Each parent folder comes first, as the
 * source has it (owner and mode).
 */
async function removals(
  source: DockerEngine,
  sourceId: string,
  gone: string[],
  remade: string[],
): Promise<Readable> {
  const pack = tar.pack();
  const folders = new Set<string>();
  for (const p of [...gone, ...remade]) {
    for (let d = path.posix.dirname(p); d !== '/'; d = path.posix.dirname(d)) folders.add(d);
  }
  const depth = (a: string) => a.split('/').length;
  // Parents first, each once.
  for (const d of [...folders].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b))) {
    const f = await folderOf(source, sourceId, d);
    pack.entry({ name: `${d.slice(1)}/`, type: 'directory', mode: f.mode, uid: f.uid, gid: f.gid });
  }
  for (const p of remade) {
    const f = await folderOf(source, sourceId, p);
    pack.entry({
      name: `${p.slice(1)}/`,
      type: 'directory',
      mode: f.mode,
      uid: f.uid,
      gid: f.gid,
      pax: OPAQUE,
    });
  }
  for (const p of gone) {
    pack.entry({ name: p.slice(1), type: 'character-device', devmajor: 0, devminor: 0, mode: 0 });
  }
  pack.finalize();
  return pack as unknown as Readable;
}

/**
 * Deletes `deleted` (absolute paths, as /changes lists them) in a created, not yet started
 * container, given the paths already `carried` into it. Returns why it could not, or null when done.
 */
export async function deleteOnTarget(
  target: DockerEngine,
  targetId: string,
  helperImage: string,
  source: DockerEngine,
  sourceId: string,
  deleted: string[],
  carried: string[],
  signal?: AbortSignal,
): Promise<string | null> {
  if (!deleted.length) return null;
  const info = await target.inspect(targetId);
  const driver = info?.GraphDriver?.Name ?? 'unknown';
  const upper = (info?.GraphDriver?.Data as { UpperDir?: string } | undefined)?.UpperDir;
  if (driver !== 'overlay2' || !upper || !path.isAbsolute(upper) || upper.includes('..'))
    return `its storage (${driver}) has no overlay upper layer to record them in`;
  // Beneath a deleted or remade folder nothing needs an entry of its own.
  const top = [...deleted].sort().filter((p, i, all) => !all.slice(0, i).some((q) => p.startsWith(`${q}/`)));
  // Still in the source (it or something in it was carried): removed, then made again.
  const stillThere = (p: string) => carried.some((c) => c === p || c.startsWith(`${p}/`));
  const remade = top.filter(stillThere);
  const gone = top.filter((p) => !stillThere(p));
  await withHelper(target, helperImage, [{ host: upper, container: '/cs/upper' }], async (helper) => {
    await putArchive(target, helper, '/cs/upper', await removals(source, sourceId, gone, remade), signal);
  });
  return null;
}
