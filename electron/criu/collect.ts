// Reads a checkpoint source once, keeping in memory only what the inspector decodes: the metadata
// images it knows (image-names' kinds) and Podman's small metadata files. Pages files and every
// other image are listed by size. The bounds below keep a hostile or huge source from taking the
// app's memory.
import { imageKind, INVENTORY, isPagesFile, STATS_DUMP } from './image-names';
import { PODMAN_READ, VOLUMES_DIR, type ExportMeta } from './podman-meta';
import type { CheckpointSource } from './sources';

/** One metadata image larger than this is not decoded (real ones are at most a few MiB). */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;
/**
 * All metadata of one checkpoint together: real ones are a few MiB (a pagemap of a huge process,
 * tens). With two inspections at a time per app (WorkLimiter), this bounds the app's share.
 */
const MAX_METADATA_BYTES = 256 * 1024 * 1024;
const MAX_META_FILE_BYTES = 16 * 1024 * 1024;

/** Podman keeps CRIU's statistics beside the images, as metadata. */
const META_READ = new Set([...PODMAN_READ, STATS_DUMP]);

export class InspectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InspectError';
  }
}

export interface ImageFile {
  name: string;
  size: number;
  kind: 'decoded' | 'pages' | 'listed';
}

export interface Collected extends ExportMeta {
  images: Map<string, Buffer>;
  imageFiles: ImageFile[];
  /** When CRIU wrote the inventory, as the source tells it. */
  dumpedAt: number | null;
}

export async function collectEntries(source: CheckpointSource): Promise<Collected> {
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
      if (e.name.startsWith(VOLUMES_DIR)) c.volumes++;
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
