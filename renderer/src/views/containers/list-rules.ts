// The container list's pure rules: order (names as people count: clone-2 before clone-10), one
// entry per published port, sorting by column, and multi-selection by click, shift-click and keys.
import type { ContainerSummaryT } from '../../../../electron/ipc/contract';
import { naturalCompare, portText } from '../../../../electron/shared/format';

/** Published ports, each once: Docker lists the IPv4 and the IPv6 binding of one port separately. */
export function portList(c: Pick<ContainerSummaryT, 'ports'>): string {
  return portText(c.ports);
}

export interface CheckpointFacts {
  count: number;
  newestAt: number | null;
}

export type SortKey = 'name' | 'image' | 'state' | 'uptime' | 'checkpoints' | 'newest';
export interface Sort {
  key: SortKey;
  dir: 1 | -1;
}

export function sortRows(
  rows: ContainerSummaryT[],
  sort: Sort,
  facts: Record<string, CheckpointFacts | undefined>,
): ContainerSummaryT[] {
  const by: Record<SortKey, (a: ContainerSummaryT, b: ContainerSummaryT) => number> = {
    name: (a, b) => naturalCompare(a.name, b.name),
    image: (a, b) => naturalCompare(a.image, b.image),
    state: (a, b) => a.state.localeCompare(b.state),
    // Longest running first reads best ascending: started earliest.
    uptime: (a, b) => (a.startedAt ?? Infinity) - (b.startedAt ?? Infinity),
    checkpoints: (a, b) => (facts[a.id]?.count ?? 0) - (facts[b.id]?.count ?? 0),
    newest: (a, b) => (facts[a.id]?.newestAt ?? 0) - (facts[b.id]?.newestAt ?? 0),
  };
  return [...rows].sort((a, b) => sort.dir * by[sort.key](a, b) || naturalCompare(a.name, b.name));
}

/** A column header clicked: the same column turns around, another starts ascending. */
export function nextSort(current: Sort, key: SortKey): Sort {
  return current.key === key ? { key, dir: current.dir === 1 ? -1 : 1 } : { key, dir: 1 };
}

export interface Selection {
  ids: ReadonlySet<string>;
  /** Where a shift-click range starts. */
  anchor: string | null;
}

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null };

/** A click on a row in `order` (the rows as shown), with the modifier keys held. */
export function clickSelect(
  sel: Selection,
  order: string[],
  id: string,
  mods: { shift: boolean; toggle: boolean },
): Selection {
  if (mods.shift && sel.anchor && order.includes(sel.anchor)) {
    const a = order.indexOf(sel.anchor);
    const b = order.indexOf(id);
    const range = order.slice(Math.min(a, b), Math.max(a, b) + 1);
    return { ids: new Set(mods.toggle ? [...sel.ids, ...range] : range), anchor: sel.anchor };
  }
  if (mods.toggle) {
    const ids = new Set(sel.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { ids, anchor: id };
  }
  return { ids: new Set([id]), anchor: id };
}

/** Only what is still shown stays selected (a filter, or containers gone). */
export function keepShown(sel: Selection, order: string[]): Selection {
  const shown = new Set(order);
  const ids = [...sel.ids].filter((i) => shown.has(i));
  if (ids.length === sel.ids.size) return sel;
  return { ids: new Set(ids), anchor: sel.anchor && shown.has(sel.anchor) ? sel.anchor : null };
}

export interface ListEntry {
  row: ContainerSummaryT;
  /** 1 for a clone shown under its source. */
  depth: 0 | 1;
  /** On a source: how many of its clones the list holds. */
  clones: number;
}

/**
 * Clones under their source (in the order given), shown only when the source is expanded; a clone
 * whose source is not in the list (removed, or filtered out) stands on its own.
 */
export function groupClones(rows: ContainerSummaryT[], expanded: ReadonlySet<string>): ListEntry[] {
  const present = new Set(rows.map((r) => r.id));
  const bySource = new Map<string, ContainerSummaryT[]>();
  for (const r of rows) {
    const src = r.cloneOf?.sourceId;
    if (src && src !== r.id && present.has(src)) bySource.set(src, [...(bySource.get(src) ?? []), r]);
  }
  const out: ListEntry[] = [];
  for (const r of rows) {
    const src = r.cloneOf?.sourceId;
    if (src && src !== r.id && present.has(src)) continue;
    const clones = bySource.get(r.id) ?? [];
    out.push({ row: r, depth: 0, clones: clones.length });
    if (expanded.has(r.id)) for (const c of clones) out.push({ row: c, depth: 1, clones: 0 });
  }
  return out;
}
