import type { ContainerSummaryT } from '../../../../electron/ipc/contract';
import { duration } from '../../../../electron/shared/format';
import { StateBadge } from '../../components/StateBadge';

/** A container row's image, state and uptime cells, the same in every list of containers. */
export function ContainerStateCells({ c, now }: { c: ContainerSummaryT; now: number }) {
  return (
    <>
      <td className="mono">{c.image}</td>
      <td>
        <StateBadge state={c.state} label={c.status} />
      </td>
      <td className="num">{c.startedAt ? duration(now - c.startedAt) : '—'}</td>
    </>
  );
}
