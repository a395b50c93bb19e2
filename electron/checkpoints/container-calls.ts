// The few things the checkpoint services ask of a container directly, outside the backend: stop
// it with no grace period, start it again, resume one the engine left paused.
import type { EngineConnection } from '../engines/engine-connection';

function post(
  conn: EngineConnection,
  id: string,
  action: string,
  ok: number[],
  timeoutMs: number,
  query?: Record<string, number>,
): Promise<unknown> {
  return conn.engine.http.json({ method: 'POST', path: `/containers/${id}/${action}`, query, ok, timeoutMs });
}

/** Stops the container at once (its state is saved elsewhere or given up, as the user confirmed). */
export async function stopNow(conn: EngineConnection, id: string): Promise<void> {
  await post(conn, id, 'stop', [204, 304], 60_000, { t: 0 });
}

/** Whether the container could be started again. */
export function startAgain(conn: EngineConnection, id: string): Promise<boolean> {
  return post(conn, id, 'start', [204, 304], 60_000).then(
    () => true,
    () => false,
  );
}

/** Whether the engine's pause mark could be lifted. */
export function unpause(conn: EngineConnection, id: string): Promise<boolean> {
  return post(conn, id, 'unpause', [204], 15_000).then(
    () => true,
    () => false,
  );
}
