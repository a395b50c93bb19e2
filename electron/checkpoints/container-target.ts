// Resolving what a request names: an online engine that can checkpoint, and one container on it.
import type { ContainerInspectInfo } from 'dockerode';
import type { EngineConnection } from '../engines/engine-connection';
import { StudioError } from '../ipc/errors';

/** Engines by id, online (the registry). */
export interface EngineLookup {
  online(engineId: string): Promise<EngineConnection>;
}

export interface Target {
  conn: EngineConnection;
  info: ContainerInspectInfo;
  id: string;
  name: string;
  /** The image id: present as long as the container exists, so helpers can always use it. */
  imageId: string;
  imageName: string;
}

export async function checkpointCapableEngine(
  registry: EngineLookup,
  engineId: string,
): Promise<EngineConnection> {
  const conn = await registry.online(engineId);
  const id = conn.identity;
  if (id && id.kind === 'docker' && !id.experimental) {
    throw new StudioError(
      'experimental-off',
      `${conn.spec.name} has experimental mode off: it cannot checkpoint.`,
      {
        hint: 'Start dockerd with --experimental (or "experimental": true in daemon.json) and restart it.',
      },
    );
  }
  return conn;
}

export async function resolveContainer(conn: EngineConnection, ref: string): Promise<Target> {
  const info = await conn.engine.inspect(ref);
  if (!info) {
    throw new StudioError('not-found', `No container "${ref}" on ${conn.spec.name}.`, {
      hint: 'Check the name in the container list (names and ids are case-sensitive).',
    });
  }
  return {
    conn,
    info,
    id: info.Id,
    name: (info.Name ?? '').replace(/^\//, ''),
    imageId: info.Image,
    imageName: info.Config?.Image ?? info.Image,
  };
}

/** Where Docker keeps a container's checkpoints on its host. */
export function checkpointsDir(conn: EngineConnection, containerId: string): string {
  const root = conn.identity?.dataRoot;
  if (!root)
    throw new StudioError(
      'internal',
      `${conn.spec.name} did not say where it keeps its data (Docker Root Dir)`,
    );
  return `${root}/containers/${containerId}/checkpoints`;
}

/** One operation at a time per container: a second one is refused, not queued behind a long dump. */
export class ContainerLocks {
  private readonly busy = new Map<string, string>();

  async run<T>(engineId: string, containerId: string, what: string, fn: () => Promise<T>): Promise<T> {
    const key = `${engineId}/${containerId}`;
    const current = this.busy.get(key);
    if (current) {
      throw new StudioError(
        'conflict',
        `Another operation (${current}) is already running on this container.`,
        {
          hint: 'Wait for it to finish, then try again.',
        },
      );
    }
    this.busy.set(key, what);
    try {
      return await fn();
    } finally {
      this.busy.delete(key);
    }
  }

  isBusy(engineId: string, containerId: string): boolean {
    return this.busy.has(`${engineId}/${containerId}`);
  }
}
