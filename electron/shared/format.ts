// Numbers and times as people read them; shared by the CLI and the renderer.
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function ago(then: number, now: number): string {
  return `${duration(now - then)} ago`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** Milliseconds with a sensible precision: 0.42 s, 12 ms, 3.1 s. */
export function millis(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

export function shortId(id: string): string {
  return id.slice(0, 12);
}

/** Published ports, each once (an engine lists the IPv4 and IPv6 bindings of one port apart). */
export function portText(
  ports: readonly { privatePort: number; publicPort?: number; type: string }[],
  arrow = '→',
): string {
  const seen = new Set<string>();
  for (const p of [...ports].sort(
    (x, y) => (x.publicPort ?? 0) - (y.publicPort ?? 0) || x.privatePort - y.privatePort,
  ))
    seen.add(
      p.publicPort ? `${p.publicPort}${arrow}${p.privatePort}/${p.type}` : `${p.privatePort}/${p.type}`,
    );
  return [...seen].join(', ');
}

// Made on first use: building a collator loads ICU's collation data, ~25 ms that every command
// paid at start-up, sorting or not.
let collator: Intl.Collator | null = null;

/** Names compared as people read them: digits as numbers (clone-2 before clone-10), case aside. */
export function naturalCompare(a: string, b: string): number {
  collator ??= new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
