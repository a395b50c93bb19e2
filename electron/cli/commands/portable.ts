// export and import: checkpoints as files. The command line names real paths (it is the user's
// own shell); the app's windows never do, they go through the save dialog or a download.
import path from 'node:path';
import { Compression, type CompressionT, type ImportResultT } from '../../ipc/contract';
import { StudioError } from '../../ipc/errors';
import { bytes, millis } from '../../shared/format';
import type { CliIo } from '../cli-io';
import { withEngineServices, type VerbOptions } from '../command-services';
import { instanceCount, instancesTable } from './instances';

export async function exportCommand(
  io: CliIo,
  o: VerbOptions & {
    container: string;
    checkpoint?: string | undefined;
    output?: string | undefined;
    compress?: string | undefined;
  },
): Promise<number> {
  if (!o.checkpoint) throw new StudioError('invalid-argument', 'export needs --checkpoint NAME');
  if (!o.output) throw new StudioError('invalid-argument', 'export needs --output FILE');
  const compression = (o.compress ?? 'zstd') as CompressionT;
  if (!Compression.options.includes(compression))
    throw new StudioError(
      'invalid-argument',
      `--compress is one of ${Compression.options.join(', ')} (got "${o.compress}")`,
    );
  const file = path.resolve(o.output);
  return withEngineServices(io, o, async (s, engineId) => {
    let last = 0;
    const r = await s.portable.export(
      { engineId, container: o.container, checkpoint: o.checkpoint!, compression, file },
      (p) => {
        if (o.json || Date.now() - last < 1000) return;
        last = Date.now();
        io.err(`writing… ${bytes(p.bytes ?? 0)}`);
      },
    );
    if (o.json) io.out(JSON.stringify({ file: r.file, bytes: r.bytes, ms: r.ms, compression }, null, 2));
    else
      io.out(
        `${o.container}:${o.checkpoint} written to ${r.file} (${bytes(r.bytes)}, ${compression}) in ${millis(r.ms)}`,
      );
    return 0;
  });
}

export async function importCommand(
  io: CliIo,
  o: VerbOptions & { file: string; name?: string | undefined; count?: string | undefined },
): Promise<number> {
  const count = instanceCount(o.count);
  const file = path.resolve(o.file);
  return withEngineServices(io, o, async (s, engineId) => {
    const f = s.files.register(file);
    const r: ImportResultT = await s.portable.import(
      { file: f.path, label: f.name, engineId, name: o.name, count },
      (p) => {
        if (!o.json && p.instance) io.err(`${p.instance}: ${p.stage}`);
      },
    );
    const failed = r.instances.filter((i) => i.error);
    if (o.json) io.out(JSON.stringify(r, null, 2));
    else {
      io.out(instancesTable(r.instances));
      io.out(
        `made by ${r.origin.madeBy}${r.origin.containerName ? ` from ${r.origin.containerName}` : ''}${r.origin.pod ? ` (pod ${r.origin.pod})` : ''}`,
      );
      for (const n of r.notes) io.out(`note: ${n}`);
    }
    return failed.length ? 1 : 0;
  });
}
