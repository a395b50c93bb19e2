// Measurements kept in the catalog, one per engine, with the key they were made for: a new engine
// version (or containerd, runtime, kernel) makes the old one stale.
import type { CatalogDb } from '../catalog/catalog-db';
import { EngineCapabilities, type EngineCapabilitiesT } from '../ipc/contract';

export class CapabilityStore {
  constructor(private readonly db: CatalogDb) {}

  get(engineId: string, key: string): EngineCapabilitiesT | null {
    const row = this.db
      .prepare('SELECT result FROM engine_capabilities WHERE engine_id = ? AND key = ?')
      .get(engineId, key) as { result: string } | undefined;
    if (!row) return null;
    // A row from an older app that no longer parses is measured again, not trusted.
    const parsed = EngineCapabilities.safeParse(JSON.parse(row.result));
    return parsed.success ? parsed.data : null;
  }

  put(c: EngineCapabilitiesT): void {
    this.db
      .prepare(
        `INSERT INTO engine_capabilities (engine_id, key, measured_at, result) VALUES (?, ?, ?, ?)
         ON CONFLICT (engine_id) DO UPDATE SET key = excluded.key, measured_at = excluded.measured_at,
           result = excluded.result`,
      )
      .run(c.engineId, c.key, c.measuredAt, JSON.stringify(c));
  }
}
