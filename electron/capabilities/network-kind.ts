// How a container is networked, in the terms the capability probe measures: no network, the
// host's, or a bridge (the default one or a user-defined one: they behave alike for CRIU).
// Anything else (macvlan, another container's namespace…) was not measured and is not judged.
import type { ContainerInspectInfo } from 'dockerode';
import type { NetworkKindT } from '../ipc/contract';
import type { DockerEngine } from '../engines/docker/docker-engine';

export type ContainerNetworkKind = NetworkKindT | 'other';

/** Docker says "bridge" for its default network, Podman too (with the real name in Networks). */
const DEFAULT_BRIDGES = new Set(['bridge', 'default', 'podman']);

export async function networkKindOf(
  engine: DockerEngine,
  info: ContainerInspectInfo,
): Promise<{ kind: ContainerNetworkKind; network: string }> {
  const mode = String(info.HostConfig?.NetworkMode ?? '');
  if (mode === 'none') return { kind: 'none', network: 'none' };
  if (mode === 'host') return { kind: 'host', network: 'host' };
  if (mode.startsWith('container:') || mode.startsWith('ns:')) return { kind: 'other', network: mode };
  const attached = Object.keys(info.NetworkSettings?.Networks ?? {});
  const network = !DEFAULT_BRIDGES.has(mode) && mode ? mode : (attached[0] ?? mode);
  if (!network) return { kind: 'other', network: mode };
  if (DEFAULT_BRIDGES.has(network)) return { kind: 'bridge', network };
  const driver = await engine.http
    .json<{ Driver?: string }>({
      method: 'GET',
      path: `/networks/${encodeURIComponent(network)}`,
      ok: [200],
      timeoutMs: 10_000,
    })
    .then(
      (n) => n.Driver ?? '',
      () => '',
    );
  return { kind: driver === 'bridge' ? 'bridge' : 'other', network };
}

export const KIND_WORDS: Record<NetworkKindT, string> = {
  none: 'with no network',
  host: 'on the host network',
  bridge: 'on a bridge network',
};
