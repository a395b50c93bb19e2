// Puts right what an interrupted operation left, from the journal: the containers it made are
// removed, and a container it had stopped (a migration's source, one being replaced by a restore)
// runs again — from its checkpoint where there is one. Runs when an engine comes online, in the
// app and in every CLI command, before anything else is done on that engine.
import type { ContainerInspectInfo } from 'dockerode';
import type { CheckpointCatalog } from '../catalog/checkpoint-catalog';
import type { Journal, JournalEntry } from '../catalog/journal';
import type { CheckpointBackend } from '../checkpoints/backends/backend';
import { removeContainer } from '../checkpoints/backends/docker-backend';
import { CLONE_OF_LABEL } from '../engines/docker/labels';
import { resolveContainer } from '../checkpoints/container-target';
import type { EngineConnection } from '../engines/engine-connection';

/** A container found by the journal's name is ours only if it is as young as the line, or says so. */
function madeByUs(info: ContainerInspectInfo, e: JournalEntry): boolean {
  if (info.Id === e.ref) return true;
  if (info.Config?.Labels?.[CLONE_OF_LABEL]) return true;
  const created = Date.parse(info.Created);
  return created >= e.createdAt - 5000 && created <= e.createdAt + 10 * 60 * 1000;
}

export async function recover(
  conn: EngineConnection,
  journal: Journal,
  backendFor: (conn: EngineConnection) => CheckpointBackend,
  catalog: CheckpointCatalog,
): Promise<string[]> {
  const said: string[] = [];
  const claimed = new Map<number, boolean>();
  for (const e of journal.orphaned(conn.spec.id)) {
    // One process puts an operation right; another that found it too leaves it alone.
    if (!claimed.has(e.opId)) claimed.set(e.opId, journal.claim(e.opId, e.owner));
    if (!claimed.get(e.opId)) continue;
    try {
      const info = await conn.engine.inspect(e.ref);
      if (e.action === 'remove-container') {
        if (info && madeByUs(info, e)) {
          await removeContainer(conn.engine, info.Id);
          said.push(`removed ${e.label}, left by an interrupted ${e.kind} (${e.summary})`);
        }
      } else if (info && !info.State?.Running) {
        said.push(await bringBack(conn, info, e, backendFor(conn), catalog));
      }
      journal.drop(e.id);
    } catch {
      // The engine is in trouble: the line stays, and the next start tries again.
    }
  }
  // Taken over and done with on every engine: over. (Lines on another engine wait for it.)
  for (const [opId, mine] of claimed) if (mine && !journal.hasLines(opId)) journal.end(opId);
  journal.dropFinished();
  return said;
}

async function bringBack(
  conn: EngineConnection,
  info: ContainerInspectInfo,
  e: JournalEntry,
  backend: CheckpointBackend,
  catalog: CheckpointCatalog,
): Promise<string> {
  // A Podman restore sets the old container aside under another name before importing: give it
  // its name back, after removing whatever half-made container took that name.
  const name = (info.Name ?? '').replace(/^\//, '');
  if (name && name !== e.label) {
    const squatter = await conn.engine.inspect(e.label).catch(() => null);
    if (squatter && squatter.Id !== info.Id && madeByUs(squatter, e))
      await removeContainer(conn.engine, squatter.Id);
    await conn.engine.http
      .json({
        method: 'POST',
        path: `/containers/${info.Id}/rename`,
        query: { name: e.label },
        ok: [204, 200],
        timeoutMs: 30_000,
      })
      .catch(() => undefined);
  }
  const t = await resolveContainer(conn, info.Id);
  const has = e.checkpoint ? (await backend.list(t)).includes(e.checkpoint) : false;
  if (has) {
    const id = await backend.restoreInPlace(t, e.checkpoint!).catch(() => null);
    if (id) {
      await backend.remove({ ...t, id }, e.checkpoint!).catch(() => undefined);
      void conn.touch(id);
      return `${e.label} runs again from where it was, after an interrupted ${e.kind} (${e.summary})`;
    }
  }
  await conn.engine.http
    .json({ method: 'POST', path: `/containers/${t.id}/start`, ok: [204, 304], timeoutMs: 60_000 })
    .catch(() => undefined);
  void conn.touch(t.id);
  if (has) {
    catalog.add({
      engineId: conn.spec.id,
      containerId: t.id,
      containerName: t.name,
      image: t.imageName,
      name: e.checkpoint!,
      createdAt: Date.now(),
      mode: 'stopped',
      origin: 'manual',
      note: `${t.name}'s state when a ${e.kind} was interrupted (it could not be restored here).`,
      durationMs: null,
    });
  }
  return `${e.label} was started again after an interrupted ${e.kind}${has ? `; its state then is kept as checkpoint "${e.checkpoint}"` : ''}`;
}
