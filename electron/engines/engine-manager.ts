// Adding, testing, renaming and removing engines: the registry's connections plus the settings
// file that remembers the ones the user added.
import type { EngineStatusT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import type { EventBus } from '../ipc/event-bus';
import { DockerEngine, explainConnectionError } from './docker/docker-engine';
import type { EngineRegistry } from './engine-registry';
import { EngineSettings, idFromName, validateSpec } from './engine-settings';
import type { EngineSpec } from './engine-spec';

export class EngineManager {
  private readonly settings: EngineSettings;

  constructor(
    private readonly registry: EngineRegistry,
    dataDir: string,
    bus?: EventBus,
  ) {
    this.settings = new EngineSettings(dataDir);
    // An ssh:// engine added while its host was away pins its host key on the first connection:
    // kept, so that every later connection is held to it.
    bus?.on('engines.statusChanged', (s) => {
      if (!s.hostKey) return;
      const saved = this.settings.load();
      if (saved.some((e) => e.id === s.id && !e.sshHostKey))
        this.settings.save(saved.map((e) => (e.id === s.id ? { ...e, sshHostKey: s.hostKey! } : e)));
    });
  }

  /** Connects the engines saved earlier, after the ones given on the command line. */
  connectSaved(): void {
    for (const spec of this.settings.load()) {
      if (this.registry.ids().includes(spec.id) || this.registry.statuses().some((s) => s.host === spec.host))
        continue;
      try {
        this.registry.add(validateSpec(spec));
      } catch {
        // A saved engine that no longer validates is skipped, not fatal.
      }
    }
  }

  async test(
    host: string,
    tlsDir?: string,
    identityFile?: string,
  ): Promise<{
    ok: boolean;
    hostKey?: string;
    kind?: string;
    version?: string;
    experimental?: boolean;
    error?: string;
    hint?: string;
  }> {
    const spec = validateSpec({
      id: 'probe',
      name: 'probe',
      host,
      ...(tlsDir ? { tlsDir } : {}),
      ...(identityFile ? { sshKey: identityFile } : {}),
    });
    const engine = new DockerEngine(spec);
    try {
      const id = await engine.identify(10_000);
      const hostKey = engine.ssh?.seenHostKey;
      return {
        ok: true,
        kind: id.kind,
        version: id.version,
        experimental: id.experimental,
        ...(hostKey ? { hostKey } : {}),
      };
    } catch (e) {
      const err = explainConnectionError(spec, e);
      // A host that refused the login still showed its key: worth comparing already.
      const hostKey = engine.ssh?.seenHostKey;
      return {
        ok: false,
        error: err.message,
        ...(err.hint ? { hint: err.hint } : {}),
        ...(hostKey ? { hostKey } : {}),
      };
    } finally {
      engine.close();
    }
  }

  /** Names are how people (and `engines rm NAME`) tell engines apart: one engine per name. */
  private nameTaken(name: string, except?: string): boolean {
    const n = name.trim().toLowerCase();
    return [...this.registry.statuses(), ...this.settings.load()].some(
      (e) => e.id !== except && e.name.trim().toLowerCase() === n,
    );
  }

  /**
   * ssh:// engines are held to a host key from the start: the one the user confirmed, else the one
   * the host shows now (as ssh's accept-new does); a host that cannot be reached now pins its key
   * on the first connection.
   */
  async add(
    name: string,
    host: string,
    tlsDir?: string,
    identityFile?: string,
    hostKey?: string,
  ): Promise<EngineStatusT> {
    if (this.registry.statuses().some((s) => s.host === host)) {
      throw new StudioError('conflict', `An engine at ${host} is already connected.`);
    }
    if (this.nameTaken(name)) {
      throw new StudioError('conflict', `An engine is already called "${name}".`, {
        hint: 'Choose another name (names tell engines apart in "engines rm" and --engine).',
      });
    }
    if (hostKey && !host.startsWith('ssh://'))
      throw new StudioError('invalid-argument', 'a host key is for ssh:// addresses only');
    const spec: EngineSpec = validateSpec({
      id: idFromName(name, new Set(this.registry.ids())),
      name,
      host,
      ...(tlsDir ? { tlsDir } : {}),
      ...(identityFile ? { sshKey: identityFile } : {}),
      ...(hostKey ? { sshHostKey: hostKey } : {}),
    });
    if (spec.host.startsWith('ssh://')) {
      const probe = new DockerEngine({ ...spec });
      try {
        await probe.ping(10_000);
        spec.sshHostKey ??= probe.ssh?.seenHostKey ?? undefined;
      } catch (e) {
        const err = explainConnectionError(spec, e);
        // A changed key is refused now; an unreachable host is added and pins its key later.
        if (probe.ssh?.seenHostKey && hostKey && probe.ssh.seenHostKey !== hostKey) throw err;
        if (!spec.sshHostKey && probe.ssh?.seenHostKey) spec.sshHostKey = probe.ssh.seenHostKey;
      } finally {
        probe.close();
      }
      if (this.registry.ids().includes(spec.id)) spec.id = idFromName(name, new Set(this.registry.ids()));
    }
    const conn = this.registry.add(spec);
    this.settings.save([...this.settings.load().filter((s) => s.id !== spec.id), spec]);
    return conn.status;
  }

  rename(id: string, name: string): EngineStatusT {
    if (this.nameTaken(name, id)) throw new StudioError('conflict', `An engine is already called "${name}".`);
    const conn = this.registry.rename(id, name);
    const saved = this.settings.load();
    if (saved.some((s) => s.id === id))
      this.settings.save(saved.map((s) => (s.id === id ? { ...s, name } : s)));
    return conn.status;
  }

  remove(id: string): boolean {
    this.registry.get(id);
    this.registry.remove(id);
    this.settings.save(this.settings.load().filter((s) => s.id !== id));
    return true;
  }
}
