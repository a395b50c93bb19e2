// A checkpoint on a Docker engine as a source for the inspector: its folder, streamed as a tar
// through a helper container that lives exactly as long as the stream.
import type { CheckpointSource } from '../criu/sources';
import { tarSource } from '../criu/sources';
import { createHelper, getArchive } from '../engines/docker/helper-container';
import { checkpointsDir, type Target } from './container-target';

export function engineCheckpointSource(t: Target, name: string): CheckpointSource {
  return tarSource(
    `${t.name}:${name}`,
    'docker',
    async () => {
      const helper = await createHelper(t.conn.engine, t.imageId, [
        { host: checkpointsDir(t.conn, t.id), container: '/cs/src', readOnly: true },
      ]);
      try {
        const res = await getArchive(t.conn.engine, helper.id, `/cs/src/${name}`);
        res.once('close', () => void helper.remove());
        return res;
      } catch (e) {
        await helper.remove();
        throw e;
      }
    },
    `${name}/`,
  );
}
