// A shell script run on the engine's host inside a throwaway helper container, for work the API
// has no call for (copying inside the host, looking at its /tmp). It runs from an image the engine
// already has that holds a shell — the app's own tools image has none — and answers with its exit
// code and, when asked, its output; the helper is always removed. Null when it could not run (no
// /bin/sh in the image, a bind the engine refuses): callers fall back or say they could not look.
import crypto from 'node:crypto';
import type { DockerEngine } from './docker-engine';
import { helperLabels, removeThrowaway } from './helper-container';

export interface ShellHelper {
  image: string;
  script: string;
  args: string[];
  /** `dev.checkpointstudio.role`, for `docker ps`. */
  role: string;
  binds: string[];
  /** The host's pid namespace, allowed to read other processes' links. */
  hostPids?: boolean;
  /** Read what it printed (one stream: the helper gets a TTY, so no multiplexing headers). */
  output?: boolean;
  timeoutMs: number;
}

export async function runShellHelper(
  engine: DockerEngine,
  h: ShellHelper,
): Promise<{ exitCode: number; output: string } | null> {
  let id: string | null = null;
  try {
    const created = await engine.http.json<{ Id: string }>({
      method: 'POST',
      path: '/containers/create',
      query: { name: `cs-helper-${crypto.randomBytes(6).toString('hex')}` },
      body: {
        Image: h.image,
        Entrypoint: ['/bin/sh', '-c', h.script, 'sh'],
        Cmd: h.args,
        User: '0:0',
        Tty: Boolean(h.output),
        Labels: { ...helperLabels(), 'dev.checkpointstudio.role': h.role },
        NetworkDisabled: true,
        HostConfig: {
          NetworkMode: 'none',
          Binds: h.binds,
          ...(h.hostPids ? { PidMode: 'host', CapAdd: ['SYS_PTRACE'] } : {}),
        },
      },
      ok: [201],
      timeoutMs: 30_000,
    });
    id = created.Id;
    await engine.http.json({ method: 'POST', path: `/containers/${id}/start`, ok: [204], timeoutMs: 30_000 });
    const { StatusCode } = await engine.http.json<{ StatusCode: number }>({
      method: 'POST',
      path: `/containers/${id}/wait`,
      ok: [200],
      timeoutMs: h.timeoutMs,
    });
    let output = '';
    if (h.output) {
      const res = await engine.http.stream({
        method: 'GET',
        path: `/containers/${id}/logs`,
        query: { stdout: true },
        ok: [200],
        timeoutMs: 15_000,
      });
      for await (const c of res) output += (c as Buffer).toString('utf8');
    }
    return { exitCode: StatusCode, output };
  } catch {
    return null;
  } finally {
    if (id) await removeThrowaway(engine, id);
  }
}
