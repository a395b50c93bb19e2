// What a container changed in its file system, from the engine's /changes list: the paths to carry
// (added or modified, each only once: nothing inside a folder already carried) and the ones it
// deleted. Migration and export both carry exactly these.
/** Paths the container changed (added or modified), without ones inside another changed folder. */
export function changedRoots(changes: { Path: string; Kind: number }[]): {
  carry: string[];
  deleted: string[];
} {
  const deleted = changes.filter((c) => c.Kind === 2).map((c) => c.Path);
  const kept = changes
    .filter((c) => c.Kind !== 2)
    .map((c) => c.Path)
    // The kernel's and the engine's own mounts are not the container's data.
    .filter(
      (p) =>
        !/^\/(proc|sys|dev|run\/secrets)(\/|$)/.test(p) &&
        !['/etc/hostname', '/etc/hosts', '/etc/resolv.conf'].includes(p),
    )
    .sort();
  const carry: string[] = [];
  for (const p of kept) if (!carry.some((c) => p === c || p.startsWith(`${c}/`))) carry.push(p);
  return { carry, deleted };
}
