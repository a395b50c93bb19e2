// A checkpoint image restored by Podman itself (`podman container restore IMAGE`), N times: the
// archive read from the image is judged first, as an imported one is, and whatever did not come up
// is removed.
import { CANCELLED, removeFailed } from '../checkpoints/backends/docker-backend';
import type { CheckpointService } from '../checkpoints/checkpoint-service';
import type { EngineConnection } from '../engines/engine-connection';
import { StudioError } from '../ipc/errors';
import { LAYOUT } from './archive-layout';
import { readArchive } from './archive-reader';
import type { CheckpointImage } from './image-listing';
import { freeNames, journalNames, makeInstances, refuseReach } from './import-instances';
import { specHostReach } from './import-policy';
import type { ImportOutcome, PortableProgress } from './portable-service';

export interface ImageRestore {
  engineId: string;
  image: string;
  name?: string | undefined;
  count: number;
  opId?: string | undefined;
}

export async function restorePodmanImage(
  checkpoints: Pick<CheckpointService, 'journal' | 'cancellation'>,
  conn: EngineConnection,
  img: CheckpointImage,
  file: string,
  r: ImageRestore,
  progress: PortableProgress,
): Promise<ImportOutcome> {
  const archive = await readArchive(file, { unpack: false, folderName: 'image' });
  try {
    const spec = archive.meta.get(LAYOUT.spec);
    if (!spec)
      throw new StudioError('invalid-argument', `${r.image} has no spec.dump: not a checkpoint image.`);
    refuseReach(
      r.image,
      specHostReach(JSON.parse(spec.toString('utf8')) as object),
      'It was not restored, and nothing was created.',
    );
    if (!Number.isInteger(r.count) || r.count < 1 || r.count > 50)
      throw new StudioError('invalid-argument', 'Restore between 1 and 50 containers at a time.');
    const names = await freeNames(
      conn,
      r.name ?? img.container,
      r.count,
      'Choose another name. Nothing was created.',
    );
    const journal = journalNames(
      checkpoints.journal,
      r.engineId,
      `${r.count} from ${r.image}`,
      names,
      (n) => `restore ${n}`,
    );
    const { signal, end } = checkpoints.cancellation.begin(r.opId);
    let instances: ImportOutcome['instances'] = [];
    let settled = false;
    try {
      instances = await makeInstances(
        names,
        signal,
        async (name) => {
          progress({ stage: 'restoring', instance: name });
          const res = await conn.engine.http.json<{ Id: string }>({
            method: 'POST',
            path: `/v4.0.0/libpod/containers/${encodeURIComponent(img.id)}/restore`,
            query: { name, ignoreStaticIP: true, ignoreStaticMAC: true },
            ok: [200],
            timeoutMs: 10 * 60_000,
          });
          return res.Id;
        },
        async (name) => (await conn.engine.inspect(name).catch(() => null))?.Id ?? null,
      );
      if (signal.aborted) for (const o of instances) o.error ??= CANCELLED;
      await removeFailed(conn.engine, instances);
      settled = true;
    } finally {
      end();
      journal.settle(instances, settled || signal.aborted ? 'settled' : 'unforeseen');
    }
    if (signal.aborted)
      throw new StudioError('cancelled', `Restoring ${r.image} was cancelled; nothing of it is left.`);
    return { origin: archive.origin, instances, notes: [] };
  } finally {
    archive.dispose();
  }
}
