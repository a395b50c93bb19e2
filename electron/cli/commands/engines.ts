// engines, engines add NAME ADDRESS [--tls DIR] [--identity FILE] [--host-key FP], engines rename,
// engines rm NAME: the engines the app connects to.
import { Services } from '../../app/services';
import { unwrap } from '../../ipc/dispatcher';
import { StudioError } from '../../ipc/errors';
import type { CliIo } from '../cli-io';
import { printList } from '../table';
import { EngineSettings } from '../../engines/engine-settings';

interface Options {
  json: boolean;
  dataDir: string;
  args: string[];
  tls?: string | undefined;
  identity?: string | undefined;
  hostKey?: string | undefined;
}

export async function enginesCommand(io: CliIo, o: Options): Promise<number> {
  const [sub, ...rest] = o.args;
  const services = new Services({ engines: [], dataDir: o.dataDir, host: 'cli', savedEngines: true });
  try {
    if (!sub || sub === 'ls' || sub === 'list') {
      // Give each engine a moment to answer, so the list shows health, not "connecting".
      await Promise.all(services.registry.ids().map((id) => services.registry.get(id).settled(5000)));
      const list = unwrap<'engines.list'>(await services.dispatcher.dispatch('engines.list', {}));
      const empty =
        'No engines added. Add one: checkpoint-studio engines add NAME unix:///path/to/docker.sock';
      printList(
        io,
        { json: o.json, empty },
        list,
        ['ID', 'NAME', 'ADDRESS', 'KIND', 'STATE', 'VERSION'],
        (e) => [e.id, e.name, e.host, e.kind, e.state + (e.error ? ` (${e.error})` : ''), e.version ?? '-'],
      );
      return 0;
    }
    if (sub === 'add') {
      const [name, host] = rest;
      if (!name || !host || rest.length !== 2)
        throw new StudioError(
          'invalid-argument',
          'engines add takes a name and an address: engines add NAME ADDRESS',
        );
      const where = {
        host,
        ...(o.tls ? { tlsDir: o.tls } : {}),
        ...(o.identity ? { identityFile: o.identity } : {}),
      };
      const test = unwrap<'engines.test'>(await services.dispatcher.dispatch('engines.test', where));
      const added = unwrap<'engines.add'>(
        await services.dispatcher.dispatch('engines.add', {
          name,
          ...where,
          ...(o.hostKey ? { hostKey: o.hostKey } : {}),
        }),
      );
      if (o.json) io.out(JSON.stringify({ ...added, test }, null, 2));
      else {
        io.out(
          test.ok
            ? `Added ${added.id}: ${test.kind} ${test.version}${test.experimental === false && test.kind === 'docker' ? ' (experimental mode off: it cannot checkpoint)' : ''}.`
            : `Added ${added.id}, but it does not answer now: ${test.error}${test.hint ? `\n${test.hint}` : ''}`,
        );
        if (added.hostKey)
          io.out(
            `Host key ${added.hostKey}${o.hostKey ? ' (as given)' : ': compare it with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the host'}. Every later connection is held to it.`,
          );
      }
      return 0;
    }
    if (sub === 'rename') {
      const [ref, next] = rest;
      if (!ref || !next || rest.length !== 2)
        throw new StudioError('invalid-argument', 'engines rename takes an engine and its new name');
      const saved = new EngineSettings(o.dataDir).load().find((s) => s.id === ref || s.name === ref);
      if (!saved) throw new StudioError('not-found', `no added engine "${ref}"`);
      const renamed = unwrap<'engines.rename'>(
        await services.dispatcher.dispatch('engines.rename', { engineId: saved.id, name: next }),
      );
      io.out(o.json ? JSON.stringify(renamed, null, 2) : `Renamed ${saved.name} to ${renamed.name}.`);
      return 0;
    }
    if (sub === 'rm' || sub === 'remove') {
      const [ref] = rest;
      if (!ref || rest.length !== 1)
        throw new StudioError('invalid-argument', 'engines rm takes one engine id or name');
      const saved = new EngineSettings(o.dataDir).load().find((s) => s.id === ref || s.name === ref);
      if (!saved) throw new StudioError('not-found', `no added engine "${ref}"`);
      unwrap<'engines.remove'>(await services.dispatcher.dispatch('engines.remove', { engineId: saved.id }));
      io.out(o.json ? JSON.stringify({ removed: true }) : `Removed ${saved.id}.`);
      return 0;
    }
    throw new StudioError('invalid-argument', `unknown engines command "${sub}" (ls, add, rename, rm)`);
  } finally {
    services.dispose();
  }
}
