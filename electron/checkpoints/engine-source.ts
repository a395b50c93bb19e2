// A checkpoint on a Docker engine as a source for the inspector: its folder, streamed as a tar
// through a helper container that lives exactly as long as one reading of it — and is gone (not
// merely on its way out) when the reading is over, so that "nothing left behind" holds at once.
import type { CheckpointSource } from '../criu/sources';
import { tarSource } from '../criu/sources';
import { createHelper, getArchive, type Helper } from '../engines/docker/helper-container';
import { checkpointsDir, type Target } from './container-target';

export function engineCheckpointSource(t: Target, name: string): CheckpointSource {
  const label = `${t.name}:${name}`;
  return {
    label,
    format: 'docker',
    async *open() {
      let helper: Helper | null = null;
      const reading = tarSource(
        label,
        'docker',
        async () => {
          helper = await createHelper(t.conn.engine, t.imageId, [
            { host: checkpointsDir(t.conn, t.id), container: '/cs/src', readOnly: true },
          ]);
          return getArchive(t.conn.engine, helper.id, `/cs/src/${name}`);
        },
        `${name}/`,
      );
      try {
        yield* reading.open();
      } finally {
        await (helper as Helper | null)?.remove();
      }
    },
  };
}
