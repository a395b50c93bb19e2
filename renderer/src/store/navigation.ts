// Pure rules of where the user is: routes in the address bar, and which engine is shown.
import type { EngineStatusT, InspectSourceT } from '../../../electron/ipc/contract';

export type Route =
  | { view: 'containers' }
  | { view: 'doctor' }
  | { view: 'engines' }
  | { view: 'images' }
  | { view: 'library' }
  | { view: 'container'; engineId: string; containerId: string }
  | { view: 'inspect'; source: InspectSourceT };
export type View = Route['view'];

export function routeFromHash(hash: string): Route {
  const e = /^#\/inspect\/engine\/([a-z0-9-]+)\/([a-zA-Z0-9_.-]+)\/([a-zA-Z0-9_.-]+)$/.exec(hash);
  if (e)
    return {
      view: 'inspect',
      source: { kind: 'engine', engineId: e[1]!, container: e[2]!, checkpoint: e[3]! },
    };
  const k = /^#\/inspect\/kept\/([a-z0-9-]+)\/([a-f0-9]{12,64})\/([a-zA-Z0-9_.-]+)$/.exec(hash);
  if (k)
    return {
      view: 'inspect',
      source: { kind: 'kept', engineId: k[1]!, containerId: k[2]!, checkpoint: k[3]! },
    };
  const f = /^#\/inspect\/file\/([a-f0-9]{24})$/.exec(hash);
  if (f) return { view: 'inspect', source: { kind: 'file', fileId: f[1]! } };
  const i = /^#\/inspect\/image\/([a-z0-9-]+)\/([A-Za-z0-9%._-]+)$/.exec(hash);
  if (i) {
    const image = decodeURIComponent(i[2]!);
    if (/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/.test(image))
      return { view: 'inspect', source: { kind: 'image', engineId: i[1]!, image } };
  }
  const m = /^#\/container\/([a-z0-9-]+)\/([a-zA-Z0-9_.-]+)$/.exec(hash);
  if (m) return { view: 'container', engineId: m[1]!, containerId: m[2]! };
  if (hash.startsWith('#/engines')) return { view: 'engines' };
  if (hash.startsWith('#/images')) return { view: 'images' };
  if (hash.startsWith('#/library')) return { view: 'library' };
  return hash.startsWith('#/doctor') ? { view: 'doctor' } : { view: 'containers' };
}

export function hashFromRoute(r: Route): string {
  if (r.view === 'container') return `#/container/${r.engineId}/${r.containerId}`;
  if (r.view === 'inspect') {
    const s = r.source;
    return `#/inspect/${sourceKey(s)}`;
  }
  return `#/${r.view}`;
}

export function sourceKey(s: InspectSourceT): string {
  if (s.kind === 'engine') return `engine/${s.engineId}/${s.container}/${s.checkpoint}`;
  // An image name holds slashes and colons: one path segment, escaped.
  if (s.kind === 'kept') return `kept/${s.engineId}/${s.containerId}/${s.checkpoint}`;
  if (s.kind === 'image') return `image/${s.engineId}/${encodeURIComponent(s.image)}`;
  return `file/${s.fileId}`;
}

/** Keep the chosen engine while it is online; otherwise the first online one; otherwise keep it. */
export const ALL_ENGINES = '*';

export function pickEngine(engines: EngineStatusT[], current: string | null): string | null {
  if (current === ALL_ENGINES) return current;
  const chosen = engines.find((e) => e.id === current);
  if (chosen?.state === 'online') return chosen.id;
  return (engines.find((e) => e.state === 'online') ?? chosen ?? engines[0])?.id ?? null;
}
