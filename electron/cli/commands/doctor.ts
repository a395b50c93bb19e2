import { withEngineServices, type VerbOptions } from '../command-services';
import type { DoctorReportT } from '../../ipc/contract';
import { unwrap } from '../../ipc/dispatcher';
import type { CliIo } from '../cli-io';
import { bytes } from '../../shared/format';

const MARK = { ok: 'ok  ', warning: 'warn', blocking: 'FAIL' } as const;

export function formatReport(report: DoctorReportT): string {
  const lines: string[] = [];
  for (const item of report.items) {
    lines.push(`[${MARK[item.status]}] ${item.title}: ${item.detail.split('\n').join('\n         ')}`);
    if (item.fix && item.status !== 'ok') lines.push(`       fix: ${item.fix}`);
  }
  const s = report.summary;
  lines.push('', `${s.ok} ok, ${s.warning} warning${s.warning === 1 ? '' : 's'}, ${s.blocking} blocking`);
  return lines.join('\n');
}

/** Exit status: 0 when nothing blocks checkpointing, 1 otherwise. */
export async function doctorCommand(
  io: CliIo,
  opts: VerbOptions & { remeasure?: boolean; clean?: boolean },
): Promise<number> {
  return withEngineServices(io, opts, async (services, engineId) => {
    // The engine gets a moment to connect; the doctor reports it unreachable otherwise.
    await services.registry.get(engineId).settled(10000);
    if (opts.clean) {
      const c = unwrap<'doctor.clean'>(await services.dispatcher.dispatch('doctor.clean', { engineId }));
      io.err(
        `removed ${c.removed} restore leftover${c.removed === 1 ? '' : 's'} (${bytes(c.bytes)})${c.busy ? `; ${c.busy} left alone (in use or recent)` : ''}`,
      );
      for (const f of c.failed) io.err(`could not remove ${f}`);
    }
    const report = unwrap<'doctor.run'>(
      await services.dispatcher.dispatch('doctor.run', {
        engineId,
        remeasure: opts.remeasure ?? false,
      }),
    );
    io.out(opts.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.summary.blocking > 0 ? 1 : 0;
  });
}
