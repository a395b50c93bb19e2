// library: every checkpoint the catalog knows, of every engine — where each is kept now.
import { unwrap } from '../../ipc/dispatcher';
import { ago, bytes } from '../../shared/format';
import type { CliIo } from '../cli-io';
import { withEngineServices, type VerbOptions } from '../command-services';
import { printList } from '../table';

export async function libraryCommand(io: CliIo, o: VerbOptions): Promise<number> {
  // The engine is asked only which containers are gone; the list itself is the catalog's.
  return withEngineServices(io, o, async (s) => {
    const rows = unwrap<'library.list'>(await s.dispatcher.dispatch('library.list', {}));
    const now = Date.now();
    const shown = { json: o.json, empty: 'No checkpoints yet.', emptyToErr: true };
    printList(
      io,
      shown,
      rows,
      ['ENGINE', 'CONTAINER', 'CHECKPOINT', 'AGE', 'SIZE', 'ORIGIN', 'KEPT'],
      (r) => [
        r.engineId,
        r.containerName,
        r.name,
        ago(r.createdAt, now),
        r.sizeBytes === null ? '-' : bytes(r.sizeBytes),
        r.origin,
        r.kept,
      ],
    );
    if (o.json || !rows.length) return 0;
    const kept = rows.filter((r) => r.kept !== 'gone');
    io.err(`${rows.length} checkpoints, ${bytes(kept.reduce((n, r) => n + (r.sizeBytes ?? 0), 0))} on disk`);
    return 0;
  });
}
