// A Docker export made into containers again: created from the note's settings (already judged
// by import-policy.ts), the file changes and deletions applied, the checkpoint copied into each
// one's checkpoints folder, and each started from it. Every container that did not come up is
// removed; each is reported on its own.
import {
  CANCELLED,
  CLONE_PARALLELISM,
  copyInto,
  engineMessage,
  mapLimit,
} from '../checkpoints/backends/docker-backend';
import { checkpointsDir } from '../checkpoints/container-target';
import type { EngineConnection } from '../engines/engine-connection';
import { deleteCheckpoint, startFromCheckpoint } from '../engines/docker/docker-checkpoints';
import { StudioError } from '../ipc/errors';
import { deleteOnTarget } from '../rootfs/deleted-files';
import type { ReadArchive } from './archive-reader';
import type { DockerNote } from './docker-archive';
import { inspectImage } from './engine-images';
import { transferReadStream } from '../engines/transfer';

export const IMPORT_LABEL = 'dev.checkpointstudio.imported-from';

export interface ImportedInstance {
  name: string;
  id: string | null;
  error?: string;
}

/** The settings of POST /containers/create an import keeps from the note, besides HostConfig. */
const KEPT_CONFIG = [
  'Cmd',
  'Entrypoint',
  'Env',
  'WorkingDir',
  'User',
  'Tty',
  'OpenStdin',
  'StdinOnce',
  'StopSignal',
  'ExposedPorts',
  'Volumes',
  'Labels',
] as const;

/** The image to create from: the note's name where it means that image here, else its id. */
export async function imageHere(conn: EngineConnection, note: DockerNote): Promise<string> {
  const ask = (ref: string) => inspectImage(conn, ref);
  const byName = note.image && !note.image.startsWith('sha256:') ? await ask(note.image) : null;
  if (byName && (byName.Id === note.imageId || !note.imageId)) return note.image;
  if (note.imageId && (await ask(note.imageId))) return note.imageId;
  if (byName)
    throw new StudioError(
      'conflict',
      `${conn.spec.name} has an image called ${note.image}, but not the one the checkpoint was made from (${note.imageId.slice(7, 19)}).`,
      {
        hint: `A checkpoint restores only onto the same image: load that image (docker save on the first engine, docker load here) and import again.`,
      },
    );
  throw new StudioError('not-found', `The image ${note.image} is not on ${conn.spec.name}.`, {
    hint: `Pull or load it there first (docker pull ${note.image}), then import again.`,
  });
}

export async function importIntoDocker(
  conn: EngineConnection,
  archive: ReadArchive,
  note: DockerNote,
  body: Record<string, unknown>,
  names: string[],
  progress: (name: string, state: 'creating' | 'copying' | 'restoring') => void,
  /** Checked between steps: what is not made yet is not made (the caller removes what was). */
  signal?: AbortSignal,
): Promise<ImportedInstance[]> {
  const engine = conn.engine;
  const image = String(body.Image);
  const out: ImportedInstance[] = names.map((name) => ({ name, id: null }));
  await mapLimit(out, CLONE_PARALLELISM, async (o) => {
    if (signal?.aborted) return void (o.error = CANCELLED);
    progress(o.name, 'creating');
    try {
      const created = await engine.http.json<{ Id: string }>({
        method: 'POST',
        path: '/containers/create',
        query: { name: o.name },
        body,
        ok: [201],
        timeoutMs: 60_000,
      });
      o.id = created.Id;
      if (archive.rootfsDiff)
        await engine.http.json({
          method: 'PUT',
          path: `/containers/${created.Id}/archive`,
          query: { path: '/' },
          file: transferReadStream(archive.rootfsDiff),
          headers: { 'Content-Type': 'application/x-tar' },
          ok: [200],
          timeoutMs: 10 * 60_000,
        });
      // The new container itself holds the parents' owners and modes (its image, and the changes
      // just applied): it is its own "source" for the deletions.
      const notDeleted = await deleteOnTarget(
        engine,
        created.Id,
        image,
        engine,
        created.Id,
        note.deleted,
        note.carried,
      );
      if (notDeleted) throw new Error(`the paths it deleted could not be deleted here: ${notDeleted}`);
    } catch (e) {
      o.error = engineMessage(e);
    }
  });
  const made = out.filter((o) => o.id && !o.error);
  if (made.length && !signal?.aborted) {
    const errors = await copyInto(
      engine,
      image,
      note.checkpoint,
      archive.checkpointTar!,
      made.map((o) => ({ id: o.id!, checkpointsDir: checkpointsDir(conn, o.id!), label: o.name })),
      (i) => progress(made[i]!.name, 'copying'),
    ).catch((e: unknown) => made.map(() => engineMessage(e)));
    errors.forEach((err, i) => {
      if (err) made[i]!.error = err;
    });
  }
  await mapLimit(
    out.filter((o) => o.id && !o.error),
    CLONE_PARALLELISM,
    async (o) => {
      if (signal?.aborted) return void (o.error = CANCELLED);
      progress(o.name, 'restoring');
      try {
        await startFromCheckpoint(engine, o.id!, note.checkpoint);
        await deleteCheckpoint(engine, o.id!, note.checkpoint).catch(() => undefined);
      } catch (e) {
        o.error = engineMessage(e);
      }
    },
  );
  return out;
}

/** The create body for an import: the note's own settings, the judged HostConfig, the image here. */
export function importBody(
  note: DockerNote,
  image: string,
  hostConfig: Record<string, unknown>,
  label: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const k of KEPT_CONFIG)
    if (note.create[k] !== undefined && note.create[k] !== null) body[k] = note.create[k];
  body.Image = image;
  body.Labels = {
    ...((note.create.Labels as Record<string, string> | undefined) ?? {}),
    [IMPORT_LABEL]: label,
  };
  body.HostConfig = hostConfig;
  const net = note.create.NetworkingConfig as { EndpointsConfig?: Record<string, unknown> } | undefined;
  const names = Object.keys(net?.EndpointsConfig ?? {});
  if (names.length)
    body.NetworkingConfig = { EndpointsConfig: Object.fromEntries(names.map((n) => [n, {}])) };
  return body;
}
