// Checkpoint images pushed to and pulled from registries, through the engine and so with its own
// registry settings and logins; loopback registries are plain HTTP, as Docker decides.
import { engineMessage } from '../checkpoints/backends/docker-backend';
import type { EngineConnection } from '../engines/engine-connection';
import { StudioError } from '../ipc/errors';
import { splitRef } from './checkpoint-image';
import type { CheckpointImage } from './image-listing';
import { progressLines, tagImage } from './engine-images';
import { isLoopbackRegistry } from './image-refs';
import type { PortableProgress } from './portable-service';

const LONG = 30 * 60_000;
/** Docker wants an auth header even for a registry without login. */
const NO_AUTH = { 'X-Registry-Auth': Buffer.from('{}').toString('base64') };

export async function pushImage(
  conn: EngineConnection,
  kind: 'docker' | 'podman',
  img: CheckpointImage,
  to: string,
  progress: PortableProgress,
): Promise<void> {
  const insecure = isLoopbackRegistry(to);
  try {
    if (kind === 'podman') {
      const res = await conn.engine.http.stream({
        method: 'POST',
        path: `/v4.0.0/libpod/images/${encodeURIComponent(img.id)}/push`,
        query: { destination: to, tlsVerify: insecure ? false : undefined },
        ok: [200],
        timeoutMs: LONG,
      });
      await progressLines(res, (l) => l.stream && progress({ stage: String(l.stream).trim() }));
    } else {
      // Docker pushes a name: the image gets it first (a tag, not a copy).
      const { repo, tag } = splitRef(to);
      if (!img.refs.includes(to)) await tagImage(conn, img.id, repo, tag);
      const res = await conn.engine.http.stream({
        method: 'POST',
        path: `/images/${encodeURIComponent(repo)}/push`,
        query: { tag },
        headers: NO_AUTH,
        ok: [200],
        timeoutMs: LONG,
      });
      await progressLines(res, (l) => l.status && progress({ stage: String(l.status) }));
    }
  } catch (e) {
    throw new StudioError('internal', `${conn.spec.name} could not push ${to}: ${engineMessage(e)}`, {
      hint: insecure
        ? 'Is the registry running?'
        : 'The engine pushes with its own registry settings and logins: check them (docker login, registries.conf).',
    });
  }
}

export async function pullImage(
  conn: EngineConnection,
  kind: 'docker' | 'podman',
  ref: string,
  progress: PortableProgress,
): Promise<void> {
  try {
    const { repo, tag } = splitRef(ref);
    const res =
      kind === 'podman'
        ? await conn.engine.http.stream({
            method: 'POST',
            path: '/v4.0.0/libpod/images/pull',
            query: { reference: ref, tlsVerify: isLoopbackRegistry(ref) ? false : undefined },
            ok: [200],
            timeoutMs: LONG,
          })
        : await conn.engine.http.stream({
            method: 'POST',
            path: '/images/create',
            query: { fromImage: repo, tag },
            headers: NO_AUTH,
            ok: [200],
            timeoutMs: LONG,
          });
    await progressLines(
      res,
      (l) => (l.status || l.stream) && progress({ stage: String(l.status ?? l.stream).trim() }),
    );
  } catch (e) {
    throw new StudioError('internal', `${conn.spec.name} could not pull ${ref}: ${engineMessage(e)}`);
  }
}
