// The composition root: every main-process service, built once and shared by whichever host
// (Electron window, browser mode, CLI) is running.
import path from 'node:path';
import { CheckpointCatalog } from '../catalog/checkpoint-catalog';
import { CheckpointService } from '../checkpoints/checkpoint-service';
import { CloneService } from '../checkpoints/clone-service';
import { DockerBackend } from '../checkpoints/backends/docker-backend';
import { PodmanArchives } from '../checkpoints/backends/podman-archives';
import { PodmanBackend } from '../checkpoints/backends/podman-backend';
import { EngineRegistry } from '../engines/engine-registry';
import { LogFollowers } from '../engines/log-follower';
import { FileRegistry } from './file-registry';
import { EngineManager } from '../engines/engine-manager';
import { MigrationService, type MigrationHooks } from '../migrate/migration-service';
import { removeStaleHelpers } from '../engines/docker/helper-container';
import { ScheduleService } from '../schedules/schedule-service';
import type { EngineSpec } from '../engines/engine-spec';
import { EventBus } from '../ipc/event-bus';
import { createDispatcher, type Dispatcher } from '../ipc/dispatcher';
import { createHandlers } from './handlers';
import { WorkLimiter } from './work-limiter';
import { CapabilityService } from '../capabilities/capability-service';
import { CapabilityStore } from '../capabilities/capability-store';

export interface ServicesOptions {
  engines: EngineSpec[];
  dataDir: string;
  host: 'electron' | 'browser';
  /** The desktop file picker (Electron only): a path the user chose, or null if they cancelled. */
  pickPath?: (kind: 'archive' | 'folder') => Promise<string | null>;
  /** Test seams of the migration (see MigrationHooks). */
  migrationHooks?: MigrationHooks;
  /** Also connect the engines the user added earlier (the app does; one-shot commands name theirs). */
  savedEngines?: boolean;
  /** Run checkpoint schedules in this process (the app does; one-shot CLI commands do not). */
  runSchedules?: boolean;
  /** Measure each engine as it connects (the app does; otherwise when an operation needs it). */
  probeOnConnect?: boolean;
  /** Test seam: let operations the engine was measured to fail go ahead (default: refuse them). */
  enforceCapabilities?: boolean;
}

export class Services {
  readonly bus = new EventBus();
  readonly registry = new EngineRegistry(this.bus);
  readonly catalog: CheckpointCatalog;
  readonly checkpoints: CheckpointService;
  readonly clones: CloneService;
  readonly logs: LogFollowers;
  readonly files: FileRegistry;
  readonly schedules: ScheduleService;
  readonly engines: EngineManager;
  readonly migrations: MigrationService;
  readonly capabilities: CapabilityService;
  readonly dispatcher: Dispatcher;
  /** Inspections and memory searches: two at a time in the whole app, a few more waiting. */
  readonly heavyWork = new WorkLimiter(2, 6, 'checkpoint inspections and searches');
  /** Browser mode's one-time links for more tabs, once its server is up (see browser-server.ts). */
  linkIssuer: (() => string) | null = null;

  constructor(readonly options: ServicesOptions) {
    this.catalog = new CheckpointCatalog(path.join(options.dataDir, 'catalog.db'));
    const podmanArchives = new PodmanArchives(path.join(options.dataDir, 'podman-checkpoints'));
    const backends = {
      docker: new DockerBackend(),
      podman: new PodmanBackend(podmanArchives, (engineId, oldId, newId, name) =>
        this.catalog.rekey(engineId, oldId, newId, name),
      ),
    };
    this.capabilities = new CapabilityService(
      this.registry,
      new CapabilityStore(this.catalog.db),
      this.bus,
      (conn) => (conn.identity?.kind === 'podman' ? backends.podman : backends.docker),
      {
        probeOnConnect: options.probeOnConnect ?? false,
        enforce: options.enforceCapabilities ?? true,
      },
    );
    this.checkpoints = new CheckpointService(
      this.registry,
      this.catalog,
      this.bus,
      backends,
      this.capabilities,
    );
    this.clones = new CloneService(this.checkpoints, this.catalog, this.bus);
    this.logs = new LogFollowers(this.registry, this.bus);
    this.files = new FileRegistry(path.join(options.dataDir, 'uploads'));
    this.schedules = new ScheduleService(this.catalog, this.checkpoints, this.bus);
    if (options.runSchedules) this.schedules.scheduler.start();
    for (const spec of options.engines) this.registry.add(spec);
    this.engines = new EngineManager(this.registry, options.dataDir);
    this.migrations = new MigrationService(
      this.registry,
      this.checkpoints,
      this.catalog,
      this.bus,
      options.migrationHooks,
    );
    if (options.savedEngines) this.engines.connectSaved();
    this.dispatcher = createDispatcher(createHandlers(this));
    // Containers the app left half-made while an engine was away are removed when it is back.
    this.bus.on('engine.status', (st) => {
      if (st.state === 'online' && !this.disposed)
        void this.sweepPendingRemovals(st.id).catch(() => undefined);
    });
  }

  private disposed = false;

  /** What the app left behind while an engine was away: half-made clones, and helpers of a crash. */
  async sweepPendingRemovals(engineId: string): Promise<void> {
    const conn = this.registry.get(engineId);
    if (conn.identity?.kind === 'docker') await removeStaleHelpers(conn.engine).catch(() => 0);
    for (const p of this.catalog.pendingRemovals(engineId)) {
      const removed = await conn.engine.http
        .json({
          method: 'DELETE',
          path: `/containers/${p.containerId}`,
          query: { force: true, v: true },
          ok: [204, 404],
          timeoutMs: 30_000,
        })
        .then(
          () => true,
          () => false,
        );
      if (removed) this.catalog.donePendingRemoval(engineId, p.containerId);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.capabilities.dispose();
    this.schedules.scheduler.stop();
    this.logs.stopAll();
    this.files.dispose();
    this.registry.stopAll();
    this.catalog.close();
  }
}
