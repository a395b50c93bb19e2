import type { ContainerSummaryT } from '../../../electron/ipc/contract';

export function StateBadge({
  state,
  label,
}: {
  state: ContainerSummaryT['state'] | 'online' | 'offline' | 'connecting';
  label?: string;
}) {
  return <span className={`badge badge-${state}`}>{label ?? state}</span>;
}
