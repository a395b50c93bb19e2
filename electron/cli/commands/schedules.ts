// schedule, schedules, unschedule. Schedules run while the app runs (the window, or serve).
import { Services } from '../../app/services';
import type { PolicyT } from '../../ipc/contract';
import { unwrap } from '../../ipc/dispatcher';
import { StudioError } from '../../ipc/errors';
import { ago, bytes } from '../../shared/format';
import { formatDuration, parseDuration, parseSize } from '../../shared/units';
import type { CliIo } from '../cli-io';
import { commandEngine } from '../engine-args';
import { table } from '../table';

interface Base {
  json: boolean;
  engine?: string | undefined;
  dataDir: string;
}

async function withServices<T>(
  io: CliIo,
  o: Base,
  fn: (s: Services, engineId: string) => Promise<T>,
): Promise<T> {
  const spec = commandEngine(o.engine, io.env);
  const s = new Services({ engines: [spec], dataDir: o.dataDir, host: 'browser' });
  try {
    return await fn(s, spec.id);
  } finally {
    s.dispose();
  }
}

function describePolicy(p: PolicyT): string {
  const keep = [
    `keep ${p.keepLast}`,
    p.keepHourly && `${p.keepHourly} hourly`,
    p.keepDaily && `${p.keepDaily} daily`,
    p.budgetBytes && `within ${bytes(p.budgetBytes)}`,
  ]
    .filter(Boolean)
    .join(', ');
  return `every ${formatDuration(p.everyMs)}, ${keep}`;
}

export async function scheduleCommand(
  io: CliIo,
  o: Base & {
    container: string;
    every?: string | undefined;
    keep?: string | undefined;
    hourly?: string | undefined;
    daily?: string | undefined;
    budget?: string | undefined;
    maxFailures?: string | undefined;
    pause: boolean;
    resume: boolean;
  },
): Promise<number> {
  return withServices(io, o, async (s, engineId) => {
    let policy: PolicyT;
    if (o.pause || o.resume) {
      policy = unwrap<'schedule.pause'>(
        await s.dispatcher.dispatch('schedule.pause', { engineId, container: o.container, paused: o.pause }),
      );
    } else {
      if (!o.every) throw new StudioError('invalid-argument', 'schedule needs --every, e.g. --every 5m');
      const everyMs = parseDuration(o.every);
      if (everyMs === null)
        throw new StudioError(
          'invalid-argument',
          `--every "${o.every}" is not a duration like 30s, 5m, 2h or 1d`,
        );
      const int = (v: string | undefined, name: string) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isInteger(n))
          throw new StudioError('invalid-argument', `--${name} must be a whole number, not "${v}"`);
        return n;
      };
      const budget = o.budget === undefined ? null : parseSize(o.budget);
      if (o.budget !== undefined && budget === null)
        throw new StudioError('invalid-argument', `--budget "${o.budget}" is not a size like 500M or 2G`);
      policy = unwrap<'schedule.set'>(
        await s.dispatcher.dispatch('schedule.set', {
          engineId,
          container: o.container,
          everyMs,
          keepLast: int(o.keep, 'keep') ?? 10,
          keepHourly: int(o.hourly, 'hourly') ?? 0,
          keepDaily: int(o.daily, 'daily') ?? 0,
          budgetBytes: budget,
          maxFailures: int(o.maxFailures, 'max-failures') ?? 3,
        }),
      );
    }
    if (o.json) io.out(JSON.stringify(policy, null, 2));
    else {
      io.out(
        `${policy.containerName}: ${describePolicy(policy)} — ${policy.state}${policy.pausedReason ? ` (${policy.pausedReason})` : ''}.`,
      );
      io.err('Schedules run while Checkpoint Studio runs: the desktop app, or "checkpoint-studio serve".');
    }
    return 0;
  });
}

export async function schedulesCommand(io: CliIo, o: Base): Promise<number> {
  return withServices(io, o, async (s, engineId) => {
    const list = unwrap<'schedules.list'>(await s.dispatcher.dispatch('schedules.list', { engineId }));
    if (o.json) {
      io.out(JSON.stringify(list, null, 2));
      return 0;
    }
    if (!list.length) {
      io.out('No schedules.');
      return 0;
    }
    const now = Date.now();
    io.out(
      table(
        ['CONTAINER', 'SCHEDULE', 'STATE', 'LAST RUN', 'NEXT RUN', 'FAILURES'],
        list.map((p) => [
          p.containerName,
          describePolicy(p),
          p.state === 'paused' ? `paused: ${p.pausedReason ?? ''}` : 'active',
          p.lastRunAt ? ago(p.lastRunAt, now) : '-',
          p.state === 'active' && p.nextRunAt
            ? p.nextRunAt <= now
              ? 'due'
              : `in ${Math.round((p.nextRunAt - now) / 1000)}s`
            : '-',
          String(p.consecutiveFailures),
        ]),
      ),
    );
    return 0;
  });
}

export async function unscheduleCommand(io: CliIo, o: Base & { container: string }): Promise<number> {
  return withServices(io, o, async (s, engineId) => {
    const res = unwrap<'schedule.remove'>(
      await s.dispatcher.dispatch('schedule.remove', { engineId, container: o.container }),
    );
    io.out(
      o.json ? JSON.stringify(res, null, 2) : `Schedule of ${o.container} removed; its checkpoints stay.`,
    );
    return 0;
  });
}
