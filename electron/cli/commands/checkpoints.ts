// checkpoint, checkpoints, restore, clone, rm: the checkpoint verbs, over the same dispatcher as
// the app. Human output by default, the contract's JSON shapes with --json.
import type { Services } from '../../app/services';
import { withEngineServices, type VerbOptions } from '../command-services';
import { wholeNumber } from '../numbers';
import type { CallArgs, CallName, CheckpointRecordT, CloneResultT, RestoreResultT } from '../../ipc/contract';
import { unwrap } from '../../ipc/dispatcher';
import { StudioError } from '../../ipc/errors';
import { bytes, millis } from '../../shared/format';
import type { CliIo } from '../cli-io';
import { table } from '../table';

async function call<N extends CallName>(s: Services, name: N, args: unknown) {
  return unwrap<N>(await s.dispatcher.dispatch(name, args));
}

function describeRecord(r: CheckpointRecordT): string {
  const parts = [r.mode === 'running' ? 'left running' : r.mode === 'stopped' ? 'stopped' : 'mode unknown'];
  if (r.sizeBytes !== null) parts.push(bytes(r.sizeBytes));
  if (r.processes)
    parts.push(
      `${r.processes.length} process${r.processes.length === 1 ? '' : 'es'} (${[...new Set(r.processes.map((p) => p.comm))].join(', ')})`,
    );
  return parts.join(', ');
}

export async function checkpointCommand(
  io: CliIo,
  // The call's own arguments, named as the contract names them.
  o: VerbOptions & Omit<CallArgs<'checkpoints.create'>, 'engineId' | 'opId'>,
): Promise<number> {
  return withEngineServices(io, o, async (s, engineId) => {
    const created = await call(s, 'checkpoints.create', {
      engineId,
      container: o.container,
      leaveRunning: o.leaveRunning,
      tcpEstablished: o.tcpEstablished ?? false,
      fileLocks: o.fileLocks ?? false,
      ...(o.name ? { name: o.name } : {}),
      ...(o.note ? { note: o.note } : {}),
    });
    // Its size and processes are read at the next listing: nothing here waits for them.
    if (o.json) io.out(JSON.stringify(created, null, 2));
    else
      io.out(
        `Checkpoint ${created.name} of ${created.containerName} saved in ${millis(created.durationMs ?? 0)}: ${describeRecord(created)}.`,
      );
    return 0;
  });
}

export async function checkpointsCommand(
  io: CliIo,
  o: VerbOptions & { container?: string | undefined },
): Promise<number> {
  return withEngineServices(io, o, async (s, engineId) => {
    const rows = await call(s, 'checkpoints.list', {
      engineId,
      ...(o.container ? { container: o.container } : {}),
    });
    // A listing is where details are read: the checkpoints not read yet are, before it answers.
    await s.checkpoints.idle();
    const fresh = rows.map((r) => s.catalog.get(engineId, r.containerId, r.name) ?? r);
    if (o.json) {
      io.out(JSON.stringify(fresh, null, 2));
      return 0;
    }
    if (rows.length === 0) {
      io.out(o.container ? `${o.container} has no checkpoints.` : 'No checkpoints on this engine.');
      return 0;
    }
    io.out(
      table(
        ['CONTAINER', 'CHECKPOINT', 'CREATED', 'MODE', 'SIZE', 'ORIGIN', 'STATUS', 'NOTE'],
        fresh.map((r) => [
          r.containerName,
          r.name,
          new Date(r.createdAt).toISOString().replace('T', ' ').slice(0, 19),
          r.mode,
          r.sizeBytes === null ? '-' : bytes(r.sizeBytes),
          r.origin,
          r.status,
          r.note,
        ]),
      ),
    );
    return 0;
  });
}

export async function restoreCommand(
  io: CliIo,
  o: VerbOptions & { container: string; checkpoint?: string | undefined; force: boolean },
): Promise<number> {
  return withEngineServices(io, o, async (s, engineId) => {
    const opId = `cli-${process.pid}-${Date.now()}`;
    const off = s.bus.on('operations.progressed', (p) => {
      if (p.opId === opId && !o.json && !p.done) io.err(p.message);
    });
    const res: RestoreResultT = await call(s, 'checkpoints.restore', {
      engineId,
      container: o.container,
      replaceRunning: o.force,
      opId,
      ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}),
    }).finally(off);
    if (o.json) io.out(JSON.stringify(res, null, 2));
    else
      io.out(
        `Restored ${res.checkpoint}${o.checkpoint ? '' : ' (the newest)'} into ${res.container.name} in ${millis(res.durationMs)}${res.replaced ? ' (its previous state was replaced)' : ''}; it is ${res.container.state}.`,
      );
    return 0;
  });
}

export function parsePorts(value: string | undefined): unknown {
  if (!value || value === 'auto') return { mode: 'auto' };
  if (value === 'none') return { mode: 'none' };
  const m = /^(\d+)-(\d+)$/.exec(value);
  if (!m)
    throw new StudioError(
      'invalid-argument',
      `--ports must be auto, none or FROM-TO (e.g. 7000-7100), not "${value}"`,
    );
  return { mode: 'range', from: Number(m[1]), to: Number(m[2]) };
}

export async function cloneCommand(
  io: CliIo,
  o: VerbOptions & {
    container: string;
    checkpoint?: string | undefined;
    count?: string | undefined;
    prefix?: string | undefined;
    ports?: string | undefined;
    /** Only say what would be done (names, problems, what each clone takes along). */
    plan?: boolean;
  },
): Promise<number> {
  if (!o.checkpoint) throw new StudioError('invalid-argument', 'clone needs --checkpoint NAME');
  if (o.count === undefined) throw new StudioError('invalid-argument', 'clone needs --count N (1 to 50)');
  const count = wholeNumber('--count', o.count)!;
  return withEngineServices(io, o, async (s, engineId) => {
    if (o.plan) {
      const plan = await call(s, 'clones.plan', {
        engineId,
        container: o.container,
        checkpoint: o.checkpoint!,
        count,
        prefix: o.prefix ?? `${o.container}-clone`,
        ports: parsePorts(o.ports),
      });
      if (o.json) io.out(JSON.stringify(plan, null, 2));
      else {
        io.out(`would create: ${plan.names.join(', ')}`);
        for (const c of plan.carried) io.out(`each takes along: ${c}`);
        for (const p of plan.problems) io.out(`problem: ${p}`);
        if (!plan.problems.length) io.out('nothing stands in the way.');
      }
      return plan.problems.length ? 1 : 0;
    }
    const opId = `cli-${process.pid}-${Date.now()}`;
    let last = '';
    const off = s.bus.on('operations.progressed', (p) => {
      if (p.opId !== opId || o.json || p.message === last) return;
      last = p.message;
      io.err(p.message);
    });
    try {
      const res: CloneResultT = await call(s, 'clones.run', {
        engineId,
        container: o.container,
        checkpoint: o.checkpoint,
        count,
        prefix: o.prefix ?? `${o.container}-clone`,
        ports: parsePorts(o.ports),
        opId,
      });
      if (o.json) io.out(JSON.stringify(res, null, 2));
      else {
        io.out(
          table(
            ['CLONE', 'STATE', 'PORTS', 'RESTORE', 'ERROR'],
            res.clones.map((c) => [
              c.name,
              c.state,
              // Only what is published: a port the clone merely listens on reaches nobody outside.
              c.ports
                .filter((p) => p.publicPort)
                .map((p) => `${p.ip ?? '0.0.0.0'}:${p.publicPort}->${p.privatePort}`)
                .join(', ') || 'none',
              c.restoreMs === null ? '-' : millis(c.restoreMs),
              c.error ?? '',
            ]),
          ),
        );
        io.out(
          `${res.clones.filter((c) => c.state === 'running').length} of ${res.clones.length} running, in ${millis(res.durationMs)}.`,
        );
      }
      return res.ok ? 0 : 1;
    } finally {
      off();
    }
  });
}

export async function rmCommand(
  io: CliIo,
  o: VerbOptions & { container: string; checkpoint?: string | undefined },
): Promise<number> {
  if (!o.checkpoint) throw new StudioError('invalid-argument', 'rm needs --checkpoint NAME');
  return withEngineServices(io, o, async (s, engineId) => {
    const res = await call(s, 'checkpoints.delete', {
      engineId,
      container: o.container,
      checkpoint: o.checkpoint,
    });
    if (o.json) io.out(JSON.stringify(res, null, 2));
    else io.out(`Deleted checkpoint ${o.checkpoint} of ${o.container}.`);
    return 0;
  });
}
