// The checkpoint archive as Podman, CRI-O and checkpointctl write it (checkpointctl's
// lib/metadata.go names each file; this module names each once for the app), plus the app's own
// note. Every entry of an archive someone hands us is judged here before anything reads it.
import { STATS_DUMP } from '../criu/image-names';
import { safeEntryPath, SourceError } from '../criu/sources';

/** Every file of the layout, named once. */
export const LAYOUT = {
  /** CRIU's images, flat. */
  checkpointDir: 'checkpoint',
  /** The container's configuration as its engine keeps it (Podman's ContainerConfig; ours for Docker). */
  config: 'config.dump',
  /** The OCI runtime spec (Podman, CRI-O); a minimal one from Docker exports, for checkpointctl. */
  spec: 'spec.dump',
  /** The container's file changes, as a tar rooted at its root file system. */
  rootfsDiff: 'rootfs-diff.tar',
  /** Paths the container deleted from its image, a JSON array. */
  deletedFiles: 'deleted.files',
  /** CRIU's dump statistics. */
  statsDump: STATS_DUMP,
  /** Podman's network status of the container. */
  networkStatus: 'network.status',
  /** CRIU's log of the dump, where the engine kept it. */
  dumpLog: 'dump.log',
  /** Volumes Podman exported with the checkpoint. */
  volumesDir: 'volumes',
  /** Podman's own record of the checkpoint's time and CRIU's. */
  podmanMeta: 'checkpoint.json',
  /** The app's note: which engine made it and how to make the container again (Docker exports). */
  note: 'checkpoint-studio.json',
} as const;

/** Metadata files are read into memory; none is anywhere near this in a real archive. */
export const MAX_METADATA_BYTES = 16 * 1024 ** 2;

export class ArchiveRefused extends SourceError {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveRefused';
  }
}

export type EntryKind = 'image' | 'metadata' | 'rootfs-diff' | 'volume' | 'folder' | 'other';

const METADATA = new Set<string>([
  LAYOUT.config,
  LAYOUT.spec,
  LAYOUT.deletedFiles,
  LAYOUT.statsDump,
  LAYOUT.networkStatus,
  LAYOUT.dumpLog,
  LAYOUT.podmanMeta,
  LAYOUT.note,
  // Kubernetes' and CRI-O's own records of the pod and the checkpoint.
  'pod.options',
  'pod.dump',
  'bind.mounts',
  'devshm-checkpoint.tar',
]);

/**
 * What an entry is, or a refusal of the whole archive: absolute names, `..`, links, devices and
 * other special files, folders nested in `checkpoint/`, metadata beyond MAX_METADATA_BYTES.
 */
export function judgeEntry(rawName: string, type: string, size: number): { name: string; kind: EntryKind } {
  let name: string;
  try {
    name = safeEntryPath(rawName, type);
  } catch (e) {
    throw new ArchiveRefused((e as Error).message);
  }
  if (type === 'directory')
    return { name, kind: name === LAYOUT.checkpointDir || name === LAYOUT.volumesDir ? 'folder' : 'other' };
  const parts = name.split('/');
  if (parts[0] === LAYOUT.checkpointDir) {
    if (parts.length !== 2)
      throw new ArchiveRefused(`archive entry "${rawName}" is nested inside checkpoint/: refused`);
    return { name: parts[1]!, kind: 'image' };
  }
  if (parts[0] === LAYOUT.volumesDir && parts.length === 2) return { name, kind: 'volume' };
  if (parts.length === 1 && name === LAYOUT.rootfsDiff) return { name, kind: 'rootfs-diff' };
  if (parts.length === 1 && METADATA.has(name)) {
    if (size > MAX_METADATA_BYTES)
      throw new ArchiveRefused(`${name} is ${size} bytes: more than any real checkpoint's; refused`);
    return { name, kind: 'metadata' };
  }
  return { name, kind: 'other' };
}

export type ArchiveMaker =
  'checkpoint-studio (Docker)' | 'Podman' | 'CRI-O (Kubernetes)' | 'containerd' | 'unknown';

export interface ArchiveOrigin {
  madeBy: ArchiveMaker;
  /** The engine kind that can take it back as it is. */
  engineKind: 'docker' | 'podman' | null;
  containerName: string | null;
  image: string | null;
  /** A Kubernetes archive's pod, namespace/name. */
  pod: string | null;
  checkpointedAt: string | null;
}

/** Who made an archive, from its metadata (config.dump, spec.dump, the app's note). */
export function originOf(meta: Map<string, Buffer>): ArchiveOrigin {
  const json = (n: string): Record<string, unknown> | null => {
    const b = meta.get(n);
    if (!b) return null;
    try {
      const v: unknown = JSON.parse(b.toString('utf8'));
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  const note = json(LAYOUT.note);
  const config = json(LAYOUT.config);
  const spec = json(LAYOUT.spec);
  const annotations = (spec?.annotations ?? {}) as Record<string, unknown>;
  if (note && note.engineKind === 'docker')
    return {
      madeBy: 'checkpoint-studio (Docker)',
      engineKind: 'docker',
      containerName: str(note.containerName),
      image: str(note.image),
      pod: null,
      checkpointedAt: str(note.checkpointedAt),
    };
  const podName = str(annotations['io.kubernetes.pod.name']);
  if (podName)
    return {
      madeBy: 'CRI-O (Kubernetes)',
      engineKind: null,
      containerName: str(annotations['io.kubernetes.container.name']) ?? str(config?.name),
      image: str(config?.rootfsImageName) ?? str(annotations['io.kubernetes.cri-o.ImageName']),
      pod: `${str(annotations['io.kubernetes.pod.namespace']) ?? 'default'}/${podName}`,
      checkpointedAt: str(config?.checkpointedTime),
    };
  if (annotations['io.podman.annotations.autoremove'] !== undefined || config?.rootfsImageName !== undefined)
    return {
      madeBy: 'Podman',
      engineKind: 'podman',
      containerName: str(config?.name),
      image: str(config?.rootfsImageName),
      pod: null,
      checkpointedAt: str(config?.checkpointedTime),
    };
  return {
    madeBy: spec ? 'containerd' : 'unknown',
    engineKind: null,
    containerName: str(config?.name),
    image: null,
    pod: null,
    checkpointedAt: null,
  };
}
