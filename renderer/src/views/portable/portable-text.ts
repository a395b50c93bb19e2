// Pure wording for export and import: progress lines, an archive's origin, a container name's rule.
import type { ImportResultT } from '../../../../electron/ipc/contract';

/**
 * Adds a progress message to the lines shown. A message that only updates the one before it
 * ("Reading x.tar… 3 MiB", then "… 5 MiB") replaces it: the lines say what happened, not every tick.
 */
export function addProgressLine(lines: string[], message: string): string[] {
  const last = lines[lines.length - 1];
  if (last === message) return lines;
  const stem = (m: string) => (m.includes('…') ? m.slice(0, m.indexOf('…') + 1) : null);
  if (last !== undefined && stem(last) !== null && stem(last) === stem(message)) {
    return [...lines.slice(0, -1), message];
  }
  return [...lines, message];
}

/** "Made by Podman from container web in pod shop." */
export function originLine(o: ImportResultT['origin']): string {
  const maker = o.madeBy === 'unknown' ? 'an unknown tool' : o.madeBy;
  return (
    `Made by ${maker}` +
    (o.containerName ? ` from container ${o.containerName}` : '') +
    (o.pod ? ` in pod ${o.pod}` : '') +
    '.'
  );
}

/** An instance runs when the engine gave it an id and nothing went wrong after. */
export function instanceRunning(i: ImportResultT['instances'][number]): boolean {
  return i.id !== null && !i.error;
}

const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** What is wrong with a container name typed for an import (empty is fine: the archive names it). */
export function containerNameProblem(name: string): string | null {
  if (!name) return null;
  if (!CONTAINER_NAME.test(name))
    return 'Start with a letter or digit; then letters, digits, "_", "." or "-".';
  if (name.length > 100) return 'At most 100 characters.';
  return null;
}
