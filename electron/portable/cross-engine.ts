// Why a checkpoint made under Docker does not restore under Podman, nor the other way round — found
// by trying it (cross-engine.int.test.ts puts each engine's CRIU images where the other restores
// from, on Docker 20.10/Podman 4.3 and Docker 26.1/Podman 5.4): the two runtimes build different
// mount trees and root folders, and CRIU restores only into the tree it saw. Import and migration
// refuse up front with these words instead of stopping or creating anything.

export interface CrossFailure {
  /** What differs, in the user's words. */
  why: string;
  /** CRIU's line for it in restore.log (the test looks for it). */
  log: RegExp;
}

export const CROSS_ENGINE_FAILURES = {
  podmanToDocker: [
    {
      why: 'Podman binds /run/.containerenv into every container and Docker has no such mount, so CRIU finds no place for it (“No mapping for … mountpoint”)',
      log: /No mapping for \d+:\(null\) mountpoint/,
    },
    {
      why: 'given one, CRIU still stops at the root folder: Podman makes it mode 0555, Docker 0755 (“File . has bad mode”)',
      log: /File \. has bad mode 040755 \(expect 040555\)/,
    },
  ],
  dockerToPodman: [
    {
      why: 'Docker binds /etc/resolv.conf into every container, even one with no network, and Podman does not, so CRIU finds no place for it (“No mapping for … mountpoint”)',
      log: /No mapping for \d+:\(null\) mountpoint/,
    },
  ],
} satisfies Record<string, CrossFailure[]>;

export type EngineKind = 'docker' | 'podman';

export function isEngineKind(k: unknown): k is EngineKind {
  return k === 'docker' || k === 'podman';
}

/** The refusal for a checkpoint of `from` restored under `to`, or null when they are one kind. */
export function crossEngineRefusal(
  from: EngineKind,
  to: EngineKind,
): { message: string; reasons: string[] } | null {
  if (from === to) return null;
  const name = (k: EngineKind) => (k === 'docker' ? 'Docker' : 'Podman');
  const reasons = (
    from === 'podman' ? CROSS_ENGINE_FAILURES.podmanToDocker : CROSS_ENGINE_FAILURES.dockerToPodman
  ).map((f) => f.why);
  return {
    message: `A checkpoint made under ${name(from)} cannot be restored under ${name(to)}: ${reasons.join('; ')}.`,
    reasons,
  };
}

/**
 * Why a Kubernetes (CRI-O) archive does not restore under Docker or Podman: its container ran in
 * the kubelet's mount tree — binds of the pod's folders on the node that made it (hosts file,
 * termination log, service account token…) — and CRIU restores only into the tree it saw, which no
 * Docker or Podman container has (the same wall as between Docker and Podman, measured above).
 * Not tried here: Debian ships neither CRI-O nor crictl, so no such archive can be made on this
 * machine; the binds are read from the archive's own spec.dump.
 */
export function kubernetesRefusal(
  spec: { mounts?: { destination?: string; type?: string; options?: string[] }[] } | null,
): string {
  const binds = (spec?.mounts ?? [])
    .filter((m) => m.type === 'bind' || (m.options ?? []).some((o) => o === 'bind' || o === 'rbind'))
    .map((m) => m.destination ?? '?');
  const named = binds.length
    ? ` (binds at ${binds.slice(0, 6).join(', ')}${binds.length > 6 ? ', …' : ''})`
    : '';
  return `Its container ran in the kubelet's mount tree${named}, and CRIU restores only into the tree it saw, which no Docker or Podman container has.`;
}
