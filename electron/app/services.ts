// The composition root: every main-process service, built once and shared by whichever host
// (Electron window, browser mode, CLI) is running.
import path from 'node:path';
import { CheckpointCatalog } from '../catalog/checkpoint-catalog';
import { CheckpointService } from '../checkpoints/checkpoint-service';
import { CloneService } from '../checkpoints/clone-service';
import { DockerBackend, removedOrNot } from '../checkpoints/backends/docker-backend';
import { PodmanArchives } from '../checkpoints/backends/podman-archives';
import { Library } from '../checkpoints/library';
import { PodmanBackend } from '../checkpoints/backends/podman-backend';
import { EngineRegistry } from '../engines/engine-registry';
import { LogFollowers } from '../engines/log-follower';
import { FileRegistry } from './file-registry';
import { EngineManager } from '../engines/engine-manager';
import { MigrationService, type MigrationHooks } from '../migrate/migration-service';
import { hasAbandonedHelpers, removeStaleHelpers } from '../engines/docker/helper-container';
import { ScheduleService } from '../schedules/schedule-service';
import type { EngineSpec } from '../engines/engine-spec';
import { EventBus } from '../ipc/event-bus';
import { createDispatcher, type Dispatcher } from '../ipc/dispatcher';
import { createHandlers } from './handlers';
import { WorkLimiter } from './work-limiter';
import { Cancellation } from './cancellation';
import { recover } from './recovery';
import { Journal } from '../catalog/journal';
import { CapabilityService } from '../capabilities/capability-service';
import { CapabilityStore } from '../capabilities/capability-store';
import { ContainerActions } from '../containers/container-actions';
import { ImageService } from '../portable/image-service';
import { PortableService } from '../portable/portable-service';

/** How soon, then at most how rarely, what is owed to an engine is asked again. */
const OWED_FIRST_MS = 5_000;
const OWED_MAX_MS = 5 * 60_000;

export interface ServicesOptions {
  engines: EngineSpec[];
  dataDir: string;
  /** Who runs the services: the window, browser mode, the command line, or a test or benchmark. */
  host: 'electron' | 'browser' | 'cli' | 'headless';
  /** The desktop file picker (Electron only): a path the user chose, or null if they cancelled. */
  pickPath?: (kind: 'archive' | 'folder') => Promise<string | null>;
  /** The desktop save dialog (Electron only): where to write a file, or null if they cancelled. */
  savePath?: (suggestedName: string) => Promise<string | null>;
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
  readonly containerActions: ContainerActions;
  readonly logs: LogFollowers;
  readonly files: FileRegistry;
  readonly schedules: ScheduleService;
  readonly engines: EngineManager;
  readonly migrations: MigrationService;
  /** Checkpoints as files: export and import. */
  readonly portable: PortableService;
  readonly images: ImageService;
  readonly library: Library;
  readonly capabilities: CapabilityService;
  readonly dispatcher: Dispatcher;
  /** What long operations made or stopped, until they are over (see catalog/journal.ts). */
  readonly journal: Journal;
  /** Running long operations, which the UI's Cancel and the CLI's Ctrl+C can stop. */
  readonly cancellation = new Cancellation();
  private readonly recoveries = new Map<string, Promise<string[]>>();
  /** Inspections and memory searches: two at a time in the whole app, a few more waiting. */
  readonly heavyWork = new WorkLimiter(2, 6, 'checkpoint inspections and searches');
  /** Browser mode's one-time links for more tabs, once its server is up (see browser-server.ts). */
  linkIssuer: (() => string) | null = null;

  constructor(readonly options: ServicesOptions) {
    this.catalog = new CheckpointCatalog(path.join(options.dataDir, 'catalog.db'));
    this.journal = new Journal(this.catalog.db);
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
      this.journal,
      this.cancellation,
      // A one-shot command exits when its work is done: details are read at the next listing.
      { scanAfterCreate: options.host !== 'cli' },
    );
    this.clones = new CloneService(this.checkpoints, this.catalog, this.bus);
    this.logs = new LogFollowers(this.registry, this.bus);
    this.files = new FileRegistry(path.join(options.dataDir, 'uploads'));
    this.schedules = new ScheduleService(this.catalog, this.checkpoints, this.bus);
    if (options.runSchedules) this.schedules.scheduler.start();
    for (const spec of options.engines) this.registry.add(spec);
    this.engines = new EngineManager(this.registry, options.dataDir, this.bus);
    this.portable = new PortableService(this.registry, this.checkpoints, this.catalog);
    this.images = new ImageService(this.registry, this.checkpoints, this.portable);
    this.library = new Library(this.catalog, podmanArchives, this.checkpoints, this.registry, this.bus);
    this.containerActions = new ContainerActions(this.registry, this.checkpoints.locks);
    this.migrations = new MigrationService(
      this.registry,
      this.checkpoints,
      this.catalog,
      this.bus,
      options.migrationHooks,
    );
    if (options.savedEngines) this.engines.connectSaved();
    this.dispatcher = createDispatcher(createHandlers(this));
    // What the app (or a CLI command, or a crash) left half-made is put right when an engine is back.
    this.bus.on('engines.statusChanged', (st) => {
      if (st.state !== 'online' || this.disposed || this.recovering.has(st.id)) return;
      this.recoveries.set(st.id, this.putRight(st.id));
    });
    this.scheduleOwed();
  }

  /**
   * An engine can answer again without ever looking offline (a link down for a few seconds), so
   * what is still owed to it — orphaned journal lines, pending removals, helpers given up on — is
   * asked again on a timer: every 5 s while something is owed, backing off to 5 min.
   */
  private owedDelay = OWED_FIRST_MS;
  private owedTimer: NodeJS.Timeout | null = null;

  private scheduleOwed(): void {
    if (this.disposed) return;
    this.owedTimer = setTimeout(() => this.retryOwed(), this.owedDelay);
    this.owedTimer.unref();
  }

  private retryOwed(): void {
    let owed = false;
    if (!this.disposed)
      for (const id of this.registry.ids()) {
        const conn = this.registry.get(id);
        const owes =
          this.catalog.pendingRemovals(id).length > 0 ||
          this.journal.orphaned(id).length > 0 ||
          hasAbandonedHelpers(conn.engine);
        if (!owes) continue;
        owed = true;
        if (conn.status.state === 'online' && !this.recovering.has(id))
          this.recoveries.set(id, this.putRight(id));
      }
    this.owedDelay = owed ? Math.min(this.owedDelay * 2, OWED_MAX_MS) : OWED_FIRST_MS;
    this.scheduleOwed();
  }

  /** Engines being put right now: one recovery at a time per engine. */
  private readonly recovering = new Set<string>();

  private async putRight(engineId: string): Promise<string[]> {
    this.recovering.add(engineId);
    try {
      await this.sweepPendingRemovals(engineId).catch(() => undefined);
      // Removed meanwhile (added and removed at once): nothing to put right there now.
      if (this.disposed || !this.registry.ids().includes(engineId)) return [];
      const conn = this.registry.get(engineId);
      return await recover(conn, this.journal, (c) => this.checkpoints.backend(c), this.catalog).catch(
        () => [],
      );
    } finally {
      this.recovering.delete(engineId);
    }
  }

  /**
   * Waits until the engine is online and what interrupted operations left there is put right;
   * says what was done. One-shot commands call it before they act.
   */
  async recovered(engineId: string): Promise<string[]> {
    await this.registry.online(engineId);
    let p = this.recoveries.get(engineId);
    if (!p) this.recoveries.set(engineId, (p = this.putRight(engineId)));
    return p;
  }

  private disposed = false;

  /** What the app left behind while an engine was away: half-made clones, and helpers of a crash. */
  async sweepPendingRemovals(engineId: string): Promise<void> {
    const conn = this.registry.get(engineId);
    await removeStaleHelpers(conn.engine).catch(() => 0);
    for (const p of this.catalog.pendingRemovals(engineId)) {
      if (await removedOrNot(conn.engine, p.containerId))
        this.catalog.donePendingRemoval(engineId, p.containerId);
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.owedTimer) clearTimeout(this.owedTimer);
    this.cancellation.cancelAll();
    this.capabilities.dispose();
    this.schedules.scheduler.stop();
    this.logs.stopAll();
    this.files.dispose();
    this.images.dispose();
    this.library.dispose();
    this.registry.stopAll();
    this.catalog.close();
  }
}
