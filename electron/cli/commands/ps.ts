import { withEngineServices, type VerbOptions } from '../command-services';
import { unwrap } from '../../ipc/dispatcher';
import type { CliIo } from '../cli-io';
import { duration, portText, shortId } from '../../shared/format';
import { printList } from '../table';

export async function psCommand(io: CliIo, opts: VerbOptions & { all: boolean }): Promise<number> {
  return withEngineServices(io, opts, async (services, engineId) => {
    const all = unwrap<'containers.list'>(
      await services.dispatcher.dispatch('containers.list', { engineId }),
    );
    const rows = opts.all ? all : all.filter((c) => c.state === 'running' || c.state === 'paused');
    const now = Date.now();
    printList(io, opts, rows, ['NAME', 'IMAGE', 'STATE', 'UPTIME', 'PORTS', 'ID'], (c) => [
      c.name,
      c.image,
      c.status,
      c.startedAt ? duration(now - c.startedAt) : '-',
      portText(c.ports, '->') || '-',
      shortId(c.id),
    ]);
    return 0;
  });
}
