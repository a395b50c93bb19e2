// schedule, schedules, unschedule. Schedules run while the app runs (the window, or serve).
import { withEngineServices, type VerbOptions } from '../command-services';
import { wholeNumber } from '../numbers';
import type { PolicyT } from '../../ipc/contract';
import { unwrap } from '../../ipc/dispatcher';
import { StudioError } from '../../ipc/errors';
import { ago, bytes, duration } from '../../shared/format';
import { formatDuration, parseDuration, parseSize } from '../../shared/units';
import type { CliIo } from '../cli-io';
import { printList } from '../table';

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
  o: VerbOptions & {
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
  if (o.pause && o.resume)
    throw new StudioError('invalid-argument', '--pause and --resume cannot go together');
  const settings = (
    [
      ['--every', o.every],
      ['--keep', o.keep],
      ['--hourly', o.hourly],
      ['--daily', o.daily],
      ['--budget', o.budget],
      ['--max-failures', o.maxFailures],
    ] as const
  ).filter(([, v]) => v !== undefined);
  if ((o.pause || o.resume) && settings.length) {
    throw new StudioError(
      'invalid-argument',
      `${o.pause ? '--pause' : '--resume'} changes nothing else: ${settings.map(([f]) => f).join(', ')} would be ignored`,
      { hint: 'Change the schedule and pause or resume it in two commands.' },
    );
  }
  return withEngineServices(io, o, async (s, engineId) => {
    let policy: PolicyT;
    if (o.pause || o.resume) {
      policy = unwrap<'schedules.pause'>(
        await s.dispatcher.dispatch('schedules.pause', { engineId, container: o.container, paused: o.pause }),
      );
    } else {
      if (!o.every) throw new StudioError('invalid-argument', 'schedule needs --every, e.g. --every 5m');
      const everyMs = parseDuration(o.every);
      if (everyMs === null)
        throw new StudioError(
          'invalid-argument',
          `--every "${o.every}" is not a duration like 30s, 5m, 2h or 1d`,
        );
      const int = (v: string | undefined, name: string) => wholeNumber(`--${name}`, v);
      const budget = o.budget === undefined ? null : parseSize(o.budget);
      if (o.budget !== undefined && budget === null)
        throw new StudioError('invalid-argument', `--budget "${o.budget}" is not a size like 500M or 2G`);
      policy = unwrap<'schedules.set'>(
        await s.dispatcher.dispatch('schedules.set', {
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

export async function schedulesCommand(io: CliIo, o: VerbOptions): Promise<number> {
  return withEngineServices(io, o, async (s, engineId) => {
    const list = unwrap<'schedules.list'>(await s.dispatcher.dispatch('schedules.list', { engineId }));
    const now = Date.now();
    printList(
      io,
      { json: o.json, empty: 'No schedules.' },
      list,
      ['CONTAINER', 'SCHEDULE', 'STATE', 'LAST RUN', 'NEXT RUN', 'FAILURES'],
      (p) => [
        p.containerName,
        describePolicy(p),
        p.state === 'paused' ? `paused: ${p.pausedReason ?? ''}` : 'active',
        p.lastRunAt ? ago(p.lastRunAt, now) : '-',
        p.state === 'active' && p.nextRunAt
          ? p.nextRunAt <= now
            ? 'due'
            : `in ${duration(p.nextRunAt - now)}`
          : '-',
        String(p.consecutiveFailures),
      ],
    );
    return 0;
  });
}

export async function unscheduleCommand(io: CliIo, o: VerbOptions & { container: string }): Promise<number> {
  return withEngineServices(io, o, async (s, engineId) => {
    const res = unwrap<'schedules.remove'>(
      await s.dispatcher.dispatch('schedules.remove', { engineId, container: o.container }),
    );
    io.out(
      o.json ? JSON.stringify(res, null, 2) : `Schedule of ${o.container} removed; its checkpoints stay.`,
    );
    return 0;
  });
}
