// What a Podman export holds beside CRIU's images: the container's configuration and OCI spec, the
// files it deleted from its image, its file-system changes and volumes. Podman's names, not CRIU's,
// so they live here rather than in image-names. Broken JSON is a problem reported, not a failure.
import type { InspectionT } from '../ipc/contract';

const CONFIG = 'config.dump';
const SPEC = 'spec.dump';
const DELETED_FILES = 'deleted.files';
const ROOTFS_DIFF = 'rootfs-diff.tar';
export const VOLUMES_DIR = 'volumes/';

/** The metadata files the inspector reads (the others, like the rootfs diff, only by size). */
export const PODMAN_READ = [CONFIG, SPEC, DELETED_FILES];

/** An export's metadata files as the collector kept them. */
export interface ExportMeta {
  meta: Map<string, Buffer>;
  metaSizes: Map<string, number>;
  volumes: number;
}

export function podmanMeta(c: ExportMeta, problems: string[]): InspectionT['podman'] {
  if (!c.metaSizes.has(CONFIG) && !c.metaSizes.has(SPEC)) return null;
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
  const config = json(CONFIG);
  const spec = json(SPEC);
  let deleted: string[] = [];
  const del = c.meta.get(DELETED_FILES);
  if (del) {
    try {
      const parsed = JSON.parse(del.toString('utf8')) as unknown;
      if (Array.isArray(parsed)) deleted = parsed.filter((x): x is string => typeof x === 'string');
    } catch {
      problems.push(`${DELETED_FILES}: not valid JSON`);
    }
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const args = (spec?.process as { args?: unknown } | undefined)?.args;
  return {
    name: str(config?.name),
    // rootfsImage is the image's id (libpod's RootfsImageID): shown when no name was kept.
    image: str(config?.rootfsImageName) ?? str(config?.rootfsImage),
    createdAt: str(config?.createdTime),
    command: Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string') : null,
    rootfsDiffBytes: c.metaSizes.get(ROOTFS_DIFF) ?? null,
    deletedFiles: deleted,
    volumes: c.volumes,
  };
}
