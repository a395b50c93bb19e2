// The contract's calls, implemented with the services. Arguments arrive already validated.
// The doctor, diff and memory search are loaded by their first call (memsearch brings a regex
// engine): a one-shot command that uses none of them should not load them at start-up.
import { inspectCheckpoint, InspectError } from '../criu/inspect';
import { archiveFileSource, pathSource, SourceError, type CheckpointSource } from '../criu/sources';
import type { InspectSourceT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import type { Handlers } from '../ipc/dispatcher';
import { appVersion } from './paths';
import { isLocalHost } from '../engines/engine-spec';
import { extensionOf } from '../portable/compression';
import type { PortableProgress } from '../portable/portable-service';
import { bytes } from '../shared/format';
import type { Services } from './services';

export function createHandlers(s: Services): Handlers {
  const source = async (src: InspectSourceT): Promise<CheckpointSource> => {
    if (src.kind === 'engine') {
      const t = await s.checkpoints.target(src.engineId, src.container);
      return s.checkpoints.backend(t.conn).inspectSource(t, src.checkpoint);
    }
    if (src.kind === 'kept') return s.library.keptSource(src.engineId, src.containerId, src.checkpoint);
    if (src.kind === 'image') {
      const layer = await s.images.inspectLayer(src.engineId, src.image);
      return { ...archiveFileSource(layer.file), label: layer.label };
    }
    // Named as the user knows the file, not as the app stored it.
    const f = s.files.get(src.fileId);
    return { ...pathSource(f.path), label: f.name };
  };
  // Decoder and archive problems are the user's input being wrong, not the app failing. Each
  // inspection is bounded in memory, and only a few run at once in the whole app.
  const inspecting = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await s.heavyWork.run(fn);
    } catch (e) {
      if (e instanceof SourceError || e instanceof InspectError)
        throw new StudioError('invalid-argument', e.message, { cause: e });
      throw e;
    }
  };
  // A few lines a second at most: what a person reads.
  const imageProgress = (opId: string | undefined, what: string): PortableProgress => {
    let last = 0;
    return (p) => {
      if (!opId || (!p.instance && Date.now() - last < 250)) return;
      last = Date.now();
      const message = p.instance
        ? `${p.instance}: ${p.stage}…`
        : `${what}: ${p.stage}${p.bytes ? ` ${bytes(p.bytes)}` : ''}`;
      s.bus.emit('operations.progressed', { opId, kind: 'image', message, done: false });
    };
  };
  const done = (opId: string | undefined, message: string) => {
    if (opId) s.bus.emit('operations.progressed', { opId, kind: 'image', message, done: true });
  };
  return {
    'app.describe': async () => ({
      name: 'Checkpoint Studio',
      version: appVersion(),
      host: s.options.host,
      platform: process.platform,
    }),
    'app.createLink': async () => {
      if (!s.linkIssuer) {
        throw new StudioError('unsupported', 'Only browser mode signs tabs in with links.', {
          hint: 'The desktop window needs none.',
        });
      }
      return { url: s.linkIssuer() };
    },
    'engines.list': async () => s.registry.statuses(),
    'engines.test': async ({ host, tlsDir, identityFile }) => s.engines.test(host, tlsDir, identityFile),
    'engines.add': async ({ name, host, tlsDir, identityFile, hostKey }) =>
      s.engines.add(name, host, tlsDir, identityFile, hostKey),
    'engines.rename': async ({ engineId, name }) => s.engines.rename(engineId, name),
    'engines.remove': async ({ engineId }) => ({ removed: s.engines.remove(engineId) }),
    'containers.list': async ({ engineId }) => (await s.registry.online(engineId)).list(),
    'doctor.run': async ({ engineId, remeasure }) => {
      const conn = engineId ? s.registry.get(engineId) : s.registry.first();
      const { runDoctor } = await import('../doctor/doctor.js');
      return runDoctor(conn, conn ? { capabilities: s.capabilities, remeasure } : undefined);
    },
    'doctor.clean': async ({ engineId }) => {
      const conn = engineId ? s.registry.get(engineId) : null;
      if (!conn || isLocalHost(conn.spec.host))
        return (await import('../doctor/leaked-restores.js')).removeLeakedRestores();
      const { remoteLeftovers } = await import('../doctor/leaked-restores-remote.js');
      const r = await remoteLeftovers(conn.engine, 'remove');
      if (!r)
        throw new StudioError('unsupported', `Could not look in ${conn.spec.name}'s /tmp.`, {
          hint: 'The helper needs an image with a shell, find and du among those the engine runs; or run checkpoint-studio doctor --clean on that host.',
        });
      return { removed: r.removed, bytes: r.bytes, busy: r.busy, failed: [] };
    },
    'engines.measure': async ({ engineId, remeasure }) => {
      s.registry.get(engineId);
      await s.capabilities.ensure(engineId, remeasure);
      return s.capabilities.status(engineId);
    },
    'checkpoints.list': async ({ engineId, container }) => s.checkpoints.list(engineId, container),
    'checkpoints.create': async (a) => s.checkpoints.create({ ...a, container: a.container }),
    'checkpoints.restore': async (a) => s.checkpoints.restore(a),
    'checkpoints.delete': async ({ engineId, container, checkpoint }) => ({
      deleted: await s.checkpoints.remove(engineId, container, checkpoint),
    }),
    'checkpoints.note': async ({ engineId, container, checkpoint, note }) =>
      s.checkpoints.setNote(engineId, container, checkpoint, note),
    'migrations.check': async ({ engineId, container, to }) => {
      const c = await s.migrations.check({ engineId, container, to, keepSource: false });
      return {
        problems: c.problems,
        warnings: c.warnings,
        carried: c.carried,
        imagePresent: c.imagePresent,
        targetName: c.target.spec.name,
      };
    },
    'migrations.run': async (a) => s.migrations.run(a),
    'clones.plan': async (req) => s.clones.plan(req),
    'clones.run': async (req) => s.clones.run(req),
    'logs.follow': async ({ engineId, container, tail }) => ({
      subscriptionId: await s.logs.follow(engineId, container, tail),
    }),
    'logs.unfollow': async ({ subscriptionId }) => ({ stopped: s.logs.unfollow(subscriptionId) }),
    'operations.cancel': async ({ opId }) => ({ cancelled: s.cancellation.cancel(opId) }),
    'inspections.open': async ({ source: src }) =>
      inspecting(async () => inspectCheckpoint(await source(src))),
    'inspections.diff': async ({ a, b }) =>
      inspecting(async () => {
        const [ia, ib] = await Promise.all([
          inspectCheckpoint(await source(a)),
          inspectCheckpoint(await source(b)),
        ]);
        return (await import('../criu/diff.js')).diffInspections(ia, ib);
      }),
    'inspections.searchMemory': async ({ source: src, pattern, regex, pid, maxHits }) =>
      inspecting(async () => {
        try {
          const { searchMemory } = await import('../criu/memsearch.js');
          return await searchMemory(await source(src), {
            pattern,
            regex,
            pid,
            maxHits,
            signal: s.cancellation.all,
          });
        } catch (e) {
          if (
            e instanceof Error &&
            !(e instanceof StudioError) &&
            /regular expression|not in this checkpoint|pattern/.test(e.message)
          ) {
            throw new StudioError('invalid-argument', e.message);
          }
          throw e;
        }
      }),
    'schedules.list': async ({ engineId }) => s.schedules.list(engineId),
    'schedules.set': async (settings) => s.schedules.set(settings),
    'schedules.pause': async ({ engineId, container, paused }) =>
      s.schedules.pause(engineId, container, paused),
    'schedules.remove': async ({ engineId, container }) => ({
      removed: await s.schedules.remove(engineId, container),
    }),
    'schedules.listRuns': async ({ engineId, container, limit }) =>
      s.schedules.runs(engineId, container, limit),
    'checkpoints.export': async ({ engineId, container, checkpoint, compression, opId }) => {
      const t = await s.checkpoints.target(engineId, container);
      const name = `${t.name}-${checkpoint}${extensionOf(compression)}`;
      let last = 0;
      const progress = (message: string, done = false) => {
        // A line per chunk would flood the window: a few a second is what a person reads.
        if (!opId || (!done && Date.now() - last < 250)) return;
        last = Date.now();
        s.bus.emit('operations.progressed', { opId, kind: 'export', message, done });
      };
      const onBytes: PortableProgress = (p) => progress(`Writing ${name}… ${bytes(p.bytes ?? 0)}`);
      if (s.options.savePath) {
        const file = await s.options.savePath(name);
        if (!file) return { fileId: null, savedTo: null, name, bytes: 0, ms: 0 };
        const r = await s.portable.export(
          { engineId, container: t.id, checkpoint, compression, file, overwrite: true, opId },
          onBytes,
        );
        progress(`Saved ${r.file}`, true);
        return { fileId: null, savedTo: r.file, name, bytes: r.bytes, ms: r.ms };
      }
      // Browser mode: written in the app's folder, handed over once as a download.
      const file = s.files.reserve(name);
      const r = await s.portable.export(
        { engineId, container: t.id, checkpoint, compression, file, opId },
        onBytes,
      );
      const f = s.files.adopt(r.file, name);
      progress(`${name} is ready`, true);
      return { fileId: f.id, savedTo: null, name, bytes: r.bytes, ms: r.ms };
    },
    'archives.import': async ({ fileId, engineId, name, count, opId }) => {
      const f = s.files.get(fileId);
      let last = 0;
      const progress: PortableProgress = (p) => {
        if (!opId || (p.stage === 'reading' && Date.now() - last < 250)) return;
        last = Date.now();
        const message = p.instance
          ? `${p.instance}: ${p.stage}…`
          : p.stage === 'reading'
            ? `Reading ${f.name}…${p.bytes ? ` ${bytes(p.bytes)}` : ''}`
            : `${p.stage}…`;
        s.bus.emit('operations.progressed', { opId, kind: 'import', message, done: false });
      };
      let read = 0;
      const r = await s.portable.import({ file: f.path, label: f.name, engineId, name, count, opId }, (p) =>
        progress(p.stage === 'reading' && p.bytes ? { ...p, bytes: (read += p.bytes) } : p),
      );
      if (opId) s.bus.emit('operations.progressed', { opId, kind: 'import', message: 'Done', done: true });
      return r;
    },
    'containers.act': async ({ engineId, containers, action, opId }) => {
      const out = await s.containerActions.run(engineId, containers, action, (o, done) => {
        if (opId)
          s.bus.emit('operations.progressed', {
            opId,
            kind: 'containers',
            message: `${o.name ?? o.container}: ${o.ok ? 'done' : (o.error ?? 'failed')} (${done} of ${containers.length})`,
            done: false,
          });
      });
      if (opId)
        s.bus.emit('operations.progressed', { opId, kind: 'containers', message: 'Done', done: true });
      return out;
    },
    'library.list': async () => s.library.list(),
    'library.delete': async ({ items }) => s.library.delete(items),
    'checkpoints.summarize': async ({ engineId }) => {
      s.registry.get(engineId);
      const per = new Map<
        string,
        { containerId: string; count: number; newestAt: number | null; bytes: number }
      >();
      for (const c of s.catalog.list(engineId)) {
        if (c.status !== 'present') continue;
        const e = per.get(c.containerId) ?? {
          containerId: c.containerId,
          count: 0,
          newestAt: null,
          bytes: 0,
        };
        e.count++;
        e.newestAt = Math.max(e.newestAt ?? 0, c.createdAt);
        e.bytes += c.sizeBytes ?? 0;
        per.set(c.containerId, e);
      }
      return [...per.values()];
    },
    'images.list': async ({ engineId }) => s.images.list(engineId),
    'images.create': async ({ opId, ...r }) => {
      const progress = imageProgress(opId, `Making ${r.image}`);
      const out = await s.images.create({ ...r, opId }, progress);
      done(opId, `${r.image} is ready`);
      return out;
    },
    'images.restore': async ({ opId, ...r }) => {
      const out = await s.images.restore({ ...r, opId }, imageProgress(opId, `Restoring ${r.image}`));
      done(opId, 'Done');
      return out;
    },
    'images.push': async ({ opId, ...r }) => {
      const out = await s.images.push(r, imageProgress(opId, `Pushing ${r.to}`));
      done(opId, `Pushed ${r.to}`);
      return out;
    },
    'images.pull': async ({ opId, ...r }) => {
      const out = await s.images.pull(r, imageProgress(opId, `Pulling ${r.image}`));
      done(opId, `Pulled ${r.image}`);
      return out;
    },
    'images.remove': async (r) => s.images.remove(r),
    'files.pick': async ({ kind }) => {
      if (!s.options.pickPath) {
        throw new StudioError('unsupported', 'Browser mode cannot show a file picker for the app.', {
          hint: 'Drop the archive on the window, or use "Upload…".',
        });
      }
      const picked = await s.options.pickPath(kind);
      if (!picked) return { fileId: null, name: null };
      const f = s.files.register(picked);
      return { fileId: f.id, name: f.name };
    },
  };
}
