// Knows what each engine can do: measured once per engine version (capability-probe.ts), kept in
// the catalog, re-measured on request. Operations ask it before they stop or create anything, and
// it refuses the ones the engine was measured to fail, with what works instead.
import type { ContainerInspectInfo } from 'dockerode';
import type { CapabilityStatusT, EngineCapabilitiesT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import type { EventBus } from '../ipc/event-bus';
import type { CheckpointBackend } from '../checkpoints/backends/backend';
import type { EngineConnection } from '../engines/engine-connection';
import type { EngineRegistry } from '../engines/engine-registry';
import { capabilityKey, probeEngine } from './capability-probe';
import { loopbackComesBackDown, refusal, type Operation } from './capability-rules';
import type { CapabilityStore } from './capability-store';
import { networkKindOf, type ContainerNetworkKind } from './network-kind';

export interface CapabilityOptions {
  /** Measure every engine as soon as it connects (the app); otherwise when first needed (the CLI). */
  probeOnConnect: boolean;
  /** Refuse what was measured to fail. Off only in tests of what happens when it is not refused. */
  enforce: boolean;
}

export class CapabilityService {
  private readonly inflight = new Map<string, Promise<EngineCapabilitiesT | null>>();
  private disposed = false;
  private readonly off: () => void;

  constructor(
    private readonly registry: EngineRegistry,
    private readonly store: CapabilityStore,
    private readonly bus: EventBus,
    private readonly backendFor: (conn: EngineConnection) => CheckpointBackend,
    private readonly options: CapabilityOptions,
  ) {
    this.off = bus.on('engines.statusChanged', (st) => {
      if (st.state === 'online' && options.probeOnConnect && !this.disposed)
        void this.ensure(st.id).catch(() => undefined);
    });
  }

  /** The current measurement of an engine (for its current version), without measuring. */
  cached(conn: EngineConnection): EngineCapabilitiesT | null {
    const id = conn.identity;
    return id ? this.store.get(conn.spec.id, capabilityKey(id)) : null;
  }

  status(engineId: string): CapabilityStatusT {
    const conn = this.registry.get(engineId);
    const caps = this.cached(conn);
    return {
      engineId,
      state: this.inflight.has(engineId)
        ? 'measuring'
        : caps
          ? caps.state === 'measured'
            ? 'measured'
            : 'unavailable'
          : 'unknown',
      capabilities: caps,
    };
  }

  /** The measurement, made now if there is none for this engine version (or if asked to). */
  async ensure(engineId: string, remeasure = false): Promise<EngineCapabilitiesT | null> {
    const running = this.inflight.get(engineId);
    if (running) return running;
    // Registered before the first await: a second caller joins this measurement, never starts one.
    const p = (async () => {
      const conn = await this.registry.online(engineId);
      if (!remeasure) {
        const cached = this.cached(conn);
        if (cached) return cached;
      }
      this.bus.emit('engines.measured', { engineId, state: 'measuring', capabilities: null });
      const caps = await probeEngine({
        conn,
        backend: this.backendFor(conn),
        cancelled: () => this.disposed,
      });
      // An app closing mid-probe learned nothing worth keeping.
      if (!this.disposed) this.store.put(caps);
      return caps;
    })();
    this.inflight.set(engineId, p);
    try {
      return await p;
    } finally {
      if (this.inflight.get(engineId) === p) this.inflight.delete(engineId);
      if (!this.disposed) this.bus.emit('engines.measured', this.status(engineId));
    }
  }

  /**
   * Refuses an operation the engine was measured to fail for this container's network, before
   * anything is touched; otherwise says how the container is networked.
   */
  async require(
    conn: EngineConnection,
    info: ContainerInspectInfo,
    op: Operation,
    onMeasuring?: () => void,
  ): Promise<{ kind: ContainerNetworkKind; caps: EngineCapabilitiesT | null }> {
    const { kind } = await networkKindOf(conn.engine, info);
    if (!this.cached(conn)) onMeasuring?.();
    const caps = await this.ensure(conn.spec.id).catch(() => null);
    if (!this.options.enforce) return { kind, caps };
    // Migration moves containers between Docker engines only: those are the ones worth naming.
    const elsewhere = this.registry
      .all()
      .filter(
        (c) =>
          c !== conn &&
          c.status.state === 'online' &&
          c.identity?.kind === 'docker' &&
          conn.identity?.kind === 'docker',
      )
      .map((c) => ({ engine: c.spec.name, caps: this.cached(c) }));
    const r = refusal(
      caps,
      kind,
      op,
      { container: (info.Name ?? '').replace(/^\//, '') || info.Id.slice(0, 12), engine: conn.spec.name },
      elsewhere,
    );
    if (r) throw new StudioError('unsupported', r.message, { hint: r.hint, details: r.details });
    return { kind, caps };
  }

  /** Whether the app must bring a restored or cloned container's loopback up (null: not measured). */
  loopbackComesBackDown(
    caps: EngineCapabilitiesT | null,
    kind: ContainerNetworkKind,
    after: 'restore' | 'clone',
  ): boolean | null {
    return loopbackComesBackDown(caps, kind, after);
  }

  /** Resolves when no probe is running (tests, and an orderly shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.inflight.values()].map((p) => p.catch(() => undefined)));
  }

  dispose(): void {
    this.disposed = true;
    this.off();
  }
}
