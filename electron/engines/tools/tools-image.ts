// The app's tools image on an engine: one file, cs-tool (see tool-program.ts), imported through the
// API (POST /images/create?fromSrc=-, which Docker and Podman both answer) the first time it is
// needed, and run in throwaway containers labelled as the app's helpers (hidden from the list,
// swept if a crash leaves one behind).
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { StudioError } from '../../ipc/errors';
import type { DockerEngine } from '../docker/docker-engine';
import { EngineHttpError } from '../docker/docker-http';
import { helperLabels, removeThrowaway, singleFileTar } from '../docker/helper-container';
import { toolArch, toolProgram } from './tool-program';

export const TOOLS_REPO = 'checkpoint-studio/tools';
export const TOOL_PATH = '/cs-tool';

const ensuring = new WeakMap<DockerEngine, Map<string, Promise<string>>>();

/** The image reference for an engine of this architecture (the tag is the program's hash). */
export function toolsImageRef(engineArch: string): string {
  const arch = toolArch(engineArch);
  if (!arch) {
    throw new StudioError(
      'unsupported',
      `Checkpoint Studio's helper program is built for x86_64 and arm64; this engine runs on ${engineArch}.`,
    );
  }
  const hash = crypto.createHash('sha256').update(toolProgram(arch)).digest('hex').slice(0, 12);
  return `${TOOLS_REPO}:${arch}-${hash}`;
}

/** Imports the tools image unless the engine has it; resolves with its reference. */
export function ensureToolsImage(engine: DockerEngine, engineArch: string): Promise<string> {
  const ref = toolsImageRef(engineArch);
  let perEngine = ensuring.get(engine);
  if (!perEngine) ensuring.set(engine, (perEngine = new Map()));
  let p = perEngine.get(ref);
  if (!p) {
    p = importIfMissing(engine, ref, toolProgram(toolArch(engineArch)!));
    perEngine.set(ref, p);
    p.catch(() => perEngine.delete(ref));
  }
  return p;
}

async function importIfMissing(engine: DockerEngine, ref: string, program: Buffer): Promise<string> {
  const present = await engine.http
    .json({ method: 'GET', path: `/images/${encodeURIComponent(ref)}/json`, ok: [200], timeoutMs: 15_000 })
    .then(
      () => true,
      (e) => {
        if (e instanceof EngineHttpError && e.status === 404) return false;
        throw e;
      },
    );
  if (present) return ref;
  // The tag goes inside `repo`: Podman 4.3 ignores a separate `tag` (and says "latest").
  const res = await engine.http.stream({
    method: 'POST',
    path: '/images/create',
    query: { fromSrc: '-', repo: ref },
    file: singleFileTar(TOOL_PATH.slice(1), program, 0o755) as unknown as Readable,
    headers: { 'Content-Type': 'application/x-tar' },
    ok: [200],
    timeoutMs: 60_000,
  });
  // The answer is a progress stream; an error can arrive inside it with status 200.
  let text = '';
  for await (const chunk of res) text += (chunk as Buffer).toString('utf8');
  const failed = /"error(?:Detail)?"\s*:\s*(?:\{[^}]*"message"\s*:\s*)?"([^"]+)"/.exec(text);
  if (failed) throw new StudioError('internal', `The engine could not import the helper image: ${failed[1]}`);
  return ref;
}

export interface ToolRun {
  /** The container's exit code. */
  exitCode: number;
}

/** Labels, hidden and swept like every helper; `role` says what it was for in `docker ps`. */
function toolLabels(role: string): Record<string, string> {
  return { ...helperLabels(), 'dev.checkpointstudio.role': role };
}

export interface ToolContainerOptions {
  image: string;
  args: string[];
  /** Docker's NetworkMode: none, host, a network's name, or container:<id>. */
  networkMode: string;
  capAdd?: string[];
  role: string;
  name?: string;
}

/** Creates and starts a tool container; resolves with its id (the caller removes it). */
export async function startTool(engine: DockerEngine, o: ToolContainerOptions): Promise<string> {
  try {
    return await startToolOnce(engine, o);
  } catch (e) {
    // The image went (an image prune): forget that the engine had it, bring it back, once.
    const arch = /^checkpoint-studio\/tools:([a-z0-9_]+)-/.exec(o.image)?.[1];
    if (!(e instanceof EngineHttpError) || e.status !== 404 || !arch || !/image/i.test(e.engineMessage))
      throw e;
    ensuring.get(engine)?.delete(o.image);
    await ensureToolsImage(engine, arch);
    return startToolOnce(engine, o);
  }
}

async function startToolOnce(engine: DockerEngine, o: ToolContainerOptions): Promise<string> {
  const created = await engine.http.json<{ Id: string }>({
    method: 'POST',
    path: '/containers/create',
    query: { name: o.name ?? `cs-${o.role}-${crypto.randomBytes(5).toString('hex')}` },
    body: {
      Image: o.image,
      Entrypoint: [TOOL_PATH],
      Cmd: o.args,
      Labels: toolLabels(o.role),
      // As PID 1 the tool ignores SIGTERM; without this Podman's forced removal waits 10 s.
      StopSignal: 'SIGKILL',
      StopTimeout: 1,
      HostConfig: {
        NetworkMode: o.networkMode,
        ...(o.capAdd ? { CapAdd: o.capAdd } : {}),
      },
    },
    ok: [201],
    timeoutMs: 30_000,
  });
  try {
    await engine.http.json({
      method: 'POST',
      path: `/containers/${created.Id}/start`,
      ok: [204, 304],
      timeoutMs: 30_000,
    });
  } catch (e) {
    await removeTool(engine, created.Id);
    throw e;
  }
  return created.Id;
}

/**
 * Runs a tool container to its end and removes it. Its end is read from inspect, not POST /wait:
 * Podman answers a wait only after its cleanup process has run — 0.2–0.4 s on Podman 4.3 for a
 * program that is done in a millisecond, the larger part of a restore's loopback repair — while
 * inspect shows the exit code as soon as the runtime reports it (~10 ms).
 */
export async function runTool(engine: DockerEngine, o: ToolContainerOptions): Promise<ToolRun> {
  const id = await startTool(engine, o);
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const info = await engine.http.json<{ State?: { Status?: string; ExitCode?: number } }>({
        method: 'GET',
        path: `/containers/${id}/json`,
        ok: [200],
        timeoutMs: 15_000,
      });
      const st = info.State;
      if (st && (st.Status === 'exited' || st.Status === 'dead' || st.Status === 'stopped'))
        return { exitCode: st.ExitCode ?? -1 };
      if (Date.now() > deadline) throw new Error(`the ${o.role} helper did not finish in 30 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await removeTool(engine, id);
  }
}

export async function removeTool(engine: DockerEngine, id: string): Promise<void> {
  await removeThrowaway(engine, id);
}
