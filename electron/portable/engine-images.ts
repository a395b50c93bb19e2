// The image calls several features share, for Docker and Podman alike: one image inspected by
// name or id, a name given to an image, and the JSON-lines answers of load, push and pull read.
import type { IncomingMessage } from 'node:http';
import type { EngineConnection } from '../engines/engine-connection';
import { StudioError } from '../ipc/errors';

/** The engine's inspect of an image, or null when it has none by that name or id (or does not answer). */
export async function inspectImage<T extends { Id: string }>(
  conn: EngineConnection,
  ref: string,
  timeoutMs = 15_000,
): Promise<T | null> {
  return conn.engine.http
    .json<T>({
      method: 'GET',
      // Podman's own route shows an image's annotations, which the compatible one leaves out.
      path:
        conn.identity?.kind === 'podman'
          ? `/v4.0.0/libpod/images/${encodeURIComponent(ref)}/json`
          : `/images/${encodeURIComponent(ref)}/json`,
      ok: [200],
      timeoutMs,
    })
    .catch(() => null);
}

/** Gives an image one more name (a tag, not a copy). */
export async function tagImage(conn: EngineConnection, id: string, repo: string, tag: string): Promise<void> {
  await conn.engine.http.json({
    method: 'POST',
    path: `/images/${encodeURIComponent(id)}/tag`,
    query: { repo, tag },
    ok: [201, 200],
    timeoutMs: 15_000,
  });
}

/** Reads an engine's JSON-lines answer (load, push, pull) and fails on the line that says so. */
export async function progressLines(
  res: IncomingMessage,
  onLine?: (l: Record<string, unknown>) => void,
): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  let rest = '';
  for await (const chunk of res as AsyncIterable<Buffer>) {
    rest += chunk.toString('utf8');
    const parts = rest.split(/\r?\n/);
    rest = parts.pop() ?? '';
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Record<string, unknown>);
  }
  if (rest.trim()) lines.push(JSON.parse(rest) as Record<string, unknown>);
  for (const l of lines) {
    onLine?.(l);
    const err = l.error ?? (l.errorDetail as { message?: string } | undefined)?.message;
    if (err) throw new StudioError('internal', String(err));
  }
  return lines;
}
