// migrate <container> --to <engine> [--keep-source]: move a running container to another engine.
import type { Services } from '../../app/services';
import { withCommandServices } from '../command-services';
import type { MigrationResultT } from '../../ipc/contract';
import { unwrap } from '../../ipc/dispatcher';
import { StudioError } from '../../ipc/errors';
import { bytes, millis } from '../../shared/format';
import type { CliIo } from '../cli-io';
import { commandEngine } from '../engine-args';
import { table } from '../table';

export async function migrateCommand(
  io: CliIo,
  o: {
    json: boolean;
    dataDir: string;
    engine?: string | undefined;
    container: string;
    to?: string | undefined;
    keepSource: boolean;
  },
): Promise<number> {
  if (!o.to)
    throw new StudioError(
      'invalid-argument',
      'migrate needs --to ENGINE (a name from "engines", or an address)',
    );
  const source = commandEngine(o.engine, io.env);
  const target = commandEngine(o.to, io.env);
  if (target.host === source.host)
    throw new StudioError('invalid-argument', 'the target is the same engine as the source');
  if (target.id === source.id) target.id = 'target';
  return withCommandServices(io, { engines: [source, target], dataDir: o.dataDir, host: 'cli' }, (s) =>
    run(s),
  );

  async function run(s: Services): Promise<number> {
    const opId = `cli-migrate-${process.pid}-${Date.now()}`;
    const off = s.bus.on('operations.progressed', (p) => {
      if (p.opId === opId && !o.json) io.err(p.message);
    });
    try {
      const res: MigrationResultT = unwrap<'migrations.run'>(
        await s.dispatcher.dispatch('migrations.run', {
          engineId: source.id,
          container: o.container,
          to: target.id,
          keepSource: o.keepSource,
          opId,
        }),
      );
      if (o.json) io.out(JSON.stringify(res, null, 2));
      else {
        io.out(
          table(
            ['STAGE', 'STATE', 'TIME', 'BYTES', 'DETAIL'],
            res.stages.map((st) => [
              st.name,
              st.state,
              millis(st.ms),
              st.bytes ? bytes(st.bytes) : '-',
              st.detail,
            ]),
          ),
        );
        io.out(
          `${o.container} runs on ${target.name} (${res.targetContainerId.slice(0, 12)}) after ${millis(res.durationMs)}; it was not running for ${millis(res.downtimeMs)}.`,
        );
      }
      return 0;
    } finally {
      off();
    }
  }
}
