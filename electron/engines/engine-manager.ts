// Adding, testing, renaming and removing engines: the registry's connections plus the settings
// file that remembers the ones the user added.
import type { EngineStatusT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import { DockerEngine, explainConnectionError } from './docker/docker-engine';
import type { EngineRegistry } from './engine-registry';
import { EngineSettings, idFromName, validateSpec } from './engine-settings';
import type { EngineSpec } from './engine-spec';

export class EngineManager {
  private readonly settings: EngineSettings;

  constructor(
    private readonly registry: EngineRegistry,
    dataDir: string,
  ) {
    this.settings = new EngineSettings(dataDir);
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
  ): Promise<{
    ok: boolean;
    kind?: string;
    version?: string;
    experimental?: boolean;
    error?: string;
    hint?: string;
  }> {
    const spec = validateSpec({ id: 'probe', name: 'probe', host, ...(tlsDir ? { tlsDir } : {}) });
    try {
      const id = await new DockerEngine(spec).identify(5000);
      return { ok: true, kind: id.kind, version: id.version, experimental: id.experimental };
    } catch (e) {
      const err = explainConnectionError(spec, e);
      return { ok: false, error: err.message, ...(err.hint ? { hint: err.hint } : {}) };
    }
  }

  /** Names are how people (and `engines rm NAME`) tell engines apart: one engine per name. */
  private nameTaken(name: string, except?: string): boolean {
    const n = name.trim().toLowerCase();
    return [...this.registry.statuses(), ...this.settings.load()].some(
      (e) => e.id !== except && e.name.trim().toLowerCase() === n,
    );
  }

  add(name: string, host: string, tlsDir?: string): EngineStatusT {
    if (this.registry.statuses().some((s) => s.host === host)) {
      throw new StudioError('conflict', `An engine at ${host} is already connected.`);
    }
    if (this.nameTaken(name)) {
      throw new StudioError('conflict', `An engine is already called "${name}".`, {
        hint: 'Choose another name (names tell engines apart in "engines rm" and --engine).',
      });
    }
    const spec: EngineSpec = validateSpec({
      id: idFromName(name, new Set(this.registry.ids())),
      name,
      host,
      ...(tlsDir ? { tlsDir } : {}),
    });
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
