// start | stop | restart | kill | pause | unpause | remove <container>...: each container reported
// on its own; exit 1 when any of them failed.
import type { ContainerAction } from '../../containers/container-action-names';
import { StudioError } from '../../ipc/errors';
import type { CliIo } from '../cli-io';
import { withEngineServices, type VerbOptions } from '../command-services';
import { table } from '../table';
import { portText, shortId } from '../../shared/format';

export async function containerActionCommand(
  io: CliIo,
  o: VerbOptions & { action: ContainerAction; containers: string[] },
): Promise<number> {
  if (!o.containers.length)
    throw new StudioError('invalid-argument', `${o.action} takes one or more containers`);
  return withEngineServices(io, o, async (s, engineId) => {
    const out = await s.containerActions.run(engineId, o.containers, o.action, (r, done) => {
      if (!o.json && o.containers.length > 1)
        io.err(`${done}/${o.containers.length} ${r.name ?? r.container}`);
    });
    if (o.json) io.out(JSON.stringify(out, null, 2));
    else
      io.out(
        table(
          ['CONTAINER', 'RESULT', 'ERROR'],
          out.map((r) => [r.name ?? r.container, r.ok ? `${PAST[o.action]}` : 'failed', r.error ?? '']),
        ),
      );
    return out.some((r) => !r.ok) ? 1 : 0;
  });
}

const PAST: Record<ContainerAction, string> = {
  start: 'started',
  stop: 'stopped',
  restart: 'restarted',
  kill: 'killed',
  pause: 'paused',
  unpause: 'unpaused',
  remove: 'removed',
};

/** clones <container> [--rm]: the clones the app made of it; --rm removes them, each reported. */
export async function clonesCommand(
  io: CliIo,
  o: VerbOptions & { container: string; remove: boolean },
): Promise<number> {
  return withEngineServices(io, o, async (s, engineId) => {
    const { source, clones } = await s.containerActions.clonesOf(engineId, o.container);
    if (!o.remove) {
      if (o.json) io.out(JSON.stringify({ source, clones }, null, 2));
      else if (!clones.length) io.err(`${source.name} has no clones.`);
      else
        io.out(
          table(
            ['NAME', 'CHECKPOINT', 'STATE', 'PORTS', 'ID'],
            clones.map((c) => [
              c.name,
              c.cloneOf?.checkpoint ?? '-',
              c.status,
              portText(c.ports, '->') || '-',
              shortId(c.id),
            ]),
          ),
        );
      return 0;
    }
    const out = await s.containerActions.run(
      engineId,
      clones.map((c) => c.id),
      'remove',
      (r, done) => !o.json && io.err(`${done}/${clones.length} ${r.name ?? r.container}`),
    );
    if (o.json) io.out(JSON.stringify({ source, removed: out }, null, 2));
    else if (!out.length) io.err(`${source.name} has no clones.`);
    else
      io.out(
        table(
          ['CLONE', 'RESULT', 'ERROR'],
          out.map((r) => [r.name ?? r.container, r.ok ? 'removed' : 'failed', r.error ?? '']),
        ),
      );
    return out.some((r) => !r.ok) ? 1 : 0;
  });
}
