// image: checkpoints kept as OCI images on an engine — made from a checkpoint, listed, restored as
// N containers, pushed and pulled through the engine's registries, removed.
import type { ImportResultT } from '../../ipc/contract';
import { StudioError } from '../../ipc/errors';
import { bytes, millis } from '../../shared/format';
import type { CliIo } from '../cli-io';
import { withEngineServices, type VerbOptions } from '../command-services';
import { table } from '../table';
import { instanceCount, instancesTable } from './instances';

export const IMAGE_USAGE =
  'image ls | image create <container> --checkpoint NAME --name IMAGE | image restore IMAGE [--name NAME] [--count N] | image push IMAGE --to IMAGE | image pull IMAGE | image rm IMAGE';

export async function imageCommand(
  io: CliIo,
  o: VerbOptions & {
    args: string[];
    checkpoint?: string | undefined;
    name?: string | undefined;
    count?: string | undefined;
    to?: string | undefined;
  },
): Promise<number> {
  const [sub = 'ls', arg, extra] = o.args;
  const one = (what: string): string => {
    if (!arg || extra)
      throw new StudioError('invalid-argument', `image ${sub} takes one ${what}`, { hint: IMAGE_USAGE });
    return arg;
  };
  const progress = (p: { stage: string; instance?: string }) => {
    if (!o.json && (p.instance || p.stage !== 'writing'))
      io.err(p.instance ? `${p.instance}: ${p.stage}` : p.stage);
  };
  return withEngineServices(io, o, async (s, engineId) => {
    switch (sub) {
      case 'ls': {
        if (arg) throw new StudioError('invalid-argument', 'image ls takes no arguments');
        const list = await s.images.list(engineId);
        if (o.json) io.out(JSON.stringify(list, null, 2));
        else
          io.out(
            table(
              ['IMAGE', 'CONTAINER', 'CHECKPOINT', 'MADE BY', 'SIZE', 'CREATED'],
              list.map((i) => [
                i.refs[0] ?? i.id.replace(/^sha256:/, '').slice(0, 12),
                i.container,
                i.checkpoint ?? '-',
                i.madeBy,
                bytes(i.size),
                i.created,
              ]),
            ),
          );
        return 0;
      }
      case 'create': {
        const container = one('container');
        if (!o.checkpoint || !o.name)
          throw new StudioError('invalid-argument', 'image create needs --checkpoint NAME and --name IMAGE');
        const t0 = Date.now();
        const r = await s.images.create(
          { engineId, container, checkpoint: o.checkpoint, image: o.name },
          progress,
        );
        if (o.json) io.out(JSON.stringify(r, null, 2));
        else
          io.out(
            `${container}:${o.checkpoint} is the image ${r.image} (${bytes(r.bytes)}, ${millis(Date.now() - t0)})`,
          );
        return 0;
      }
      case 'restore': {
        const image = one('image');
        const count = instanceCount(o.count);
        const r: ImportResultT = await s.images.restore({ engineId, image, name: o.name, count }, progress);
        if (o.json) io.out(JSON.stringify(r, null, 2));
        else io.out(instancesTable(r.instances));
        return r.instances.some((i) => i.error) ? 1 : 0;
      }
      case 'push': {
        const image = one('image');
        if (!o.to)
          throw new StudioError(
            'invalid-argument',
            'image push needs --to IMAGE (e.g. registry.example:5000/team/name:tag)',
          );
        const r = await s.images.push({ engineId, image, to: o.to }, progress);
        io.out(o.json ? JSON.stringify(r, null, 2) : `pushed ${r.pushed}`);
        return 0;
      }
      case 'pull': {
        const r = await s.images.pull({ engineId, image: one('image') }, progress);
        io.out(
          o.json
            ? JSON.stringify(r, null, 2)
            : `pulled ${r.refs[0] ?? r.id}: ${r.container}${r.checkpoint ? `:${r.checkpoint}` : ''}, made by ${r.madeBy}`,
        );
        return 0;
      }
      case 'rm': {
        const image = one('image');
        const r = await s.images.remove({ engineId, image });
        io.out(o.json ? JSON.stringify(r, null, 2) : `removed ${image}`);
        return 0;
      }
      default:
        throw new StudioError('invalid-argument', `unknown image command "${sub}"`, { hint: IMAGE_USAGE });
    }
  });
}
