// Names for checkpoints nobody named.

/** The base name, or base-2, base-3… whichever is not taken yet. */
export function freeName(base: string, taken: string[]): string {
  let name = base;
  for (let i = 2; taken.includes(name); i++) name = `${base}-${i}`;
  return name;
}

/** A name nobody typed: sortable and readable, e.g. cp-20261129-142501. */
export function defaultCheckpointName(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `cp-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}
