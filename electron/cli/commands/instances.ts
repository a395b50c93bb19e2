// What import and image restore share: they make --count new containers from one checkpoint, and
// say how each one went.
import type { ImportResultT } from '../../ipc/contract';
import { StudioError } from '../../ipc/errors';
import { wholeNumber } from '../numbers';
import { table } from '../table';

/** --count: 1 when not given, at most 50. */
export function instanceCount(value: string | undefined): number {
  const count = wholeNumber('--count', value) ?? 1;
  if (count < 1 || count > 50) throw new StudioError('invalid-argument', '--count is between 1 and 50');
  return count;
}

export function instancesTable(instances: ImportResultT['instances']): string {
  return table(
    ['NAME', 'STATE', 'ID', 'ERROR'],
    instances.map((i) => [
      i.name,
      i.error ? 'failed' : 'running',
      i.id ? i.id.slice(0, 12) : '-',
      i.error ?? '',
    ]),
  );
}
