// Which of an engine's images are checkpoint images, and what each holds: ours carry the
// checkpoint's annotations as labels too, Podman's own (`--create-image`) as annotations only.
import { mapLimit } from '../checkpoints/backends/docker-backend';
import type { EngineConnection } from '../engines/engine-connection';
import { StudioError } from '../ipc/errors';
import { CHECKPOINT_ANNOTATION } from './checkpoint-image';
import { inspectImage } from './engine-images';

export interface CheckpointImage {
  id: string;
  /** The image's names (repo:tag), none for an untagged one. */
  refs: string[];
  /** The container it was checkpointed from. */
  container: string;
  checkpoint: string | null;
  /** The engine kind whose runtime made the checkpoint. */
  madeBy: 'docker' | 'podman';
  rootfsImage: string;
  created: string;
  size: number;
}

interface ImageInspect {
  Id: string;
  RepoTags?: string[] | null;
  Created?: string;
  Size?: number;
  Annotations?: Record<string, string> | null;
  Config?: { Labels?: Record<string, string> | null } | null;
  Labels?: Record<string, string> | null;
}

/** An image as a checkpoint image, or null when it is not one. */
function describe(i: ImageInspect): CheckpointImage | null {
  const a = { ...(i.Config?.Labels ?? i.Labels ?? {}), ...(i.Annotations ?? {}) };
  const container = a[CHECKPOINT_ANNOTATION.name];
  if (!container) return null;
  const engine = a[CHECKPOINT_ANNOTATION.engine];
  return {
    id: i.Id,
    refs: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
    container,
    checkpoint: a[CHECKPOINT_ANNOTATION.checkpoint] ?? null,
    madeBy: engine === 'docker' ? 'docker' : 'podman',
    rootfsImage: a[CHECKPOINT_ANNOTATION.rootfsImageName] ?? '',
    created: i.Created ?? '',
    size: i.Size ?? 0,
  };
}

/** The checkpoint image `ref` names, or null when there is none or it is an ordinary image. */
export async function checkpointImage(conn: EngineConnection, ref: string): Promise<CheckpointImage | null> {
  const full = await inspectImage<ImageInspect>(conn, ref);
  return full && describe(full);
}

export async function requireCheckpointImage(conn: EngineConnection, ref: string): Promise<CheckpointImage> {
  const c = await checkpointImage(conn, ref);
  if (!c) throw new StudioError('not-found', `${conn.spec.name} has no checkpoint image ${ref}.`);
  return c;
}

/** Every checkpoint image on the engine, newest first. */
export async function listCheckpointImages(
  conn: EngineConnection,
  kind: 'docker' | 'podman',
): Promise<CheckpointImage[]> {
  const ids = await conn.engine.http.json<{ Id: string }[]>({
    method: 'GET',
    // Podman's own images carry the name as an annotation only, which its list does not show.
    ...(kind === 'docker'
      ? { path: '/images/json', query: { filters: JSON.stringify({ label: [CHECKPOINT_ANNOTATION.name] }) } }
      : { path: '/v4.0.0/libpod/images/json' }),
    ok: [200],
    timeoutMs: 30_000,
  });
  const out: CheckpointImage[] = [];
  await mapLimit(ids, 4, async (i) => {
    const c = await checkpointImage(conn, i.Id);
    if (c) out.push(c);
  });
  return out.sort((a, b) => b.created.localeCompare(a.created));
}
