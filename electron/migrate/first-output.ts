// Whether a moved container goes on: the engine's own state at once, and — for a container that
// was writing output as it worked — its first output on the target, which only a process that
// really resumed can write. No fixed wait: it returns as soon as either proves it, or the
// container's end proves the opposite.
import type { DockerEngine } from '../engines/docker/docker-engine';

const STAMP = /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) /g;

/**
 * Is it writing as it works? Its last lines spread over time (not one burst, as a server's start
 * banner is), the newest within `withinMs` of the checkpoint.
 */
export async function wasTalking(
  engine: DockerEngine,
  id: string,
  at: number,
  withinMs = 3000,
): Promise<boolean> {
  const res = await engine.http
    .stream({
      method: 'GET',
      path: `/containers/${id}/logs`,
      query: { stdout: true, stderr: true, tail: 3, timestamps: true },
      ok: [200],
      timeoutMs: 10_000,
    })
    .catch(() => null);
  if (!res) return false;
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  const stamps = [...Buffer.concat(chunks).toString('utf8').matchAll(STAMP)].map((m) => Date.parse(m[1]!));
  if (stamps.length < 2) return false;
  const newest = Math.max(...stamps);
  return at - newest <= withinMs && newest - Math.min(...stamps) >= 100;
}

export type Verdict = ({ ok: true; how: 'state' | 'output' } | { ok: false; why: string }) & {
  note?: string;
};

/**
 * Confirms a restored container runs. For one that was talking, waits for its first output (up to
 * `outputMs`; a silent but running container is still accepted, with a note of the silence).
 */
export async function confirmRunning(
  engine: DockerEngine,
  id: string,
  talking: boolean,
  outputMs = 15_000,
): Promise<Verdict> {
  const info = await engine.inspect(id);
  if (!info?.State?.Running)
    return { ok: false, why: `it is ${info?.State?.Status ?? 'gone'} right after its restore` };
  if (!talking) return { ok: true, how: 'state' };
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), outputMs);
  const quiet: Verdict = {
    ok: true,
    how: 'state',
    note: `running, but it wrote nothing within ${Math.round(outputMs / 1000)} s`,
  };
  try {
    const res = await engine.http.stream({
      method: 'GET',
      path: `/containers/${id}/logs`,
      query: { stdout: true, stderr: true, follow: true, tail: 'all' },
      ok: [200],
      signal: abort.signal,
    });
    // The target's log holds only what the process wrote since its restore: any byte is new.
    for await (const c of res) {
      if ((c as Buffer).length > 0) {
        res.destroy();
        return { ok: true, how: 'output' };
      }
    }
  } catch {
    // The wait ran out, or the stream broke: the state below decides.
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  // The stream ended: the container stopped — or the wait ran out (an abort can end it quietly).
  const after = await engine.inspect(id);
  if (after?.State?.Running) return quiet;
  return {
    ok: false,
    why: `it stopped (${after?.State?.Status ?? 'gone'}, exit ${after?.State?.ExitCode ?? '?'}) right after its restore`,
  };
}
