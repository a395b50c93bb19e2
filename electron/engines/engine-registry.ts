// The set of engines the app is connected to. Each runs on its own: one engine down never
// blocks the others.
import type { EngineStatusT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import type { EventBus } from '../ipc/event-bus';
import { EngineConnection } from './engine-connection';
import type { EngineSpec } from './engine-spec';

export class EngineRegistry {
  private readonly connections = new Map<string, EngineConnection>();

  constructor(private readonly bus: EventBus) {}

  add(spec: EngineSpec): EngineConnection {
    if (this.connections.has(spec.id)) {
      throw new StudioError('conflict', `an engine with id "${spec.id}" is already connected`);
    }
    const conn = new EngineConnection(spec, this.bus);
    this.connections.set(spec.id, conn);
    conn.start();
    return conn;
  }

  rename(id: string, name: string): EngineConnection {
    const conn = this.get(id);
    conn.rename(name);
    return conn;
  }

  remove(id: string): void {
    const conn = this.connections.get(id);
    if (!conn) return;
    conn.stop();
    this.connections.delete(id);
    this.bus.emit('engines.removed', { engineId: id });
  }

  get(id: string): EngineConnection {
    const conn = this.connections.get(id);
    if (!conn) {
      throw new StudioError('not-found', `no engine with id "${id}"`, {
        hint: `Connected engines: ${[...this.connections.keys()].join(', ') || 'none'}.`,
      });
    }
    return conn;
  }

  /** The connection if it is online (waiting for a first attempt to settle); a clear error if not. */
  async online(id: string, timeoutMs = 10000): Promise<EngineConnection> {
    const conn = this.get(id);
    if ((await conn.settled(timeoutMs)) !== 'online') {
      const s = conn.status;
      throw new StudioError('engine-unreachable', s.error ?? `engine ${s.name} is not reachable`, {
        hint: s.hint ?? 'Check that the engine is running.',
      });
    }
    return conn;
  }

  all(): EngineConnection[] {
    return [...this.connections.values()];
  }

  ids(): string[] {
    return [...this.connections.keys()];
  }

  statuses(): EngineStatusT[] {
    return [...this.connections.values()].map((c) => c.status);
  }

  first(): EngineConnection | undefined {
    return this.connections.values().next().value;
  }

  stopAll(): void {
    for (const c of this.connections.values()) c.stop();
  }
}
