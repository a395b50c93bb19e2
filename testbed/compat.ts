// What the stories saw on each engine, for the compatibility table in the README: written by the
// tests as they run (the outcome each one observed), rendered by scripts/compat-table.mjs. Never
// edited by hand.
import fs from 'node:fs';
import path from 'node:path';

// Tests run from the project's root (npm test, vitest).
export const COMPAT_FILE = path.resolve(process.cwd(), 'artifacts', 'compat', 'compat.json');

export type CompatCell =
  | { state: 'works'; note?: string }
  | { state: 'refused'; reason: string }
  | { state: 'fails'; reason: string };

interface CompatFile {
  engines: Record<string, string>;
  cells: Record<string, Record<string, CompatCell & { at: string }>>;
  order: string[];
}

function load(): CompatFile {
  try {
    return JSON.parse(fs.readFileSync(COMPAT_FILE, 'utf8')) as CompatFile;
  } catch {
    return { engines: {}, cells: {}, order: [] };
  }
}

/** Records what one story saw on one engine (the last run of a story wins). */
export function recordCompat(
  engine: { id: string; label: string },
  operation: string,
  cell: CompatCell,
): void {
  const f = load();
  f.engines[engine.id] = engine.label;
  if (!f.order.includes(operation)) f.order.push(operation);
  (f.cells[operation] ??= {})[engine.id] = { ...cell, at: new Date().toISOString() };
  fs.mkdirSync(path.dirname(COMPAT_FILE), { recursive: true });
  const tmp = `${COMPAT_FILE}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(f, null, 2));
  fs.renameSync(tmp, COMPAT_FILE);
}
