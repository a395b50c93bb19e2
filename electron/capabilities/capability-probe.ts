// Measures what an engine can really do, because no version string says it (Docker 28 with
// containerd 2.1 checkpoints fine and cannot restore a networked container; Podman 5 restores a
// container with no network with its loopback down). Throwaway containers of the app's own tiny
// program, one per network kind, go through exactly the app's own checkpoint, restore and clone
// paths (the engine's backend), and a process holding a TCP socket is checkpointed to see whether
// the engine's CRIU can dump one. Everything the probe made is removed, whatever happens.
import type {
  CapabilityOutcomeT,
  EngineCapabilitiesT,
  ModeCapabilitiesT,
  NetworkKindT,
} from '../ipc/contract';
import type { CheckpointBackend } from '../checkpoints/backends/backend';
import { engineMessage } from '../checkpoints/backends/docker-backend';
import { resolveContainer, type Target } from '../checkpoints/container-target';
import { CriuFailure } from '../engines/docker/docker-checkpoints';
import type { EngineIdentity } from '../engines/docker/docker-engine';
import { readHostFile } from '../engines/docker/helper-container';
import { checkpointKeep, checkpointLogPath } from '../engines/podman/libpod';
import type { EngineConnection } from '../engines/engine-connection';
import { LO_BROUGHT_UP, LO_WAS_UP } from '../engines/tools/tool-program';
import { ensureToolsImage, removeTool, runTool, startTool } from '../engines/tools/tools-image';
import { knownIssue } from './known-issues';
import { relevantLogLines } from '../checkpoints/criu-diagnosis';

const PROBE_CHECKPOINT = 'cs-probe';
/** How long one CRIU step may take: some CRIUs hang on some kernels instead of failing (trixie's
 * 4.1.1 on 6.18 waits forever for its parasite), and a probe must end with a verdict. */
export const PROBE_STEP_MS = 90_000;

class StepHung extends Error {}

/** The step's own outcome, or a failure of its own after `ms`; the step itself goes on unobserved. */
function deadline<T>(step: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new StepHung(
            `the engine's CRIU did not finish ${what} within ${Math.round(ms / 1000)} s: it hangs rather than fails (an old CRIU on a newer kernel does)`,
          ),
        ),
      ms,
    );
  });
  step.catch(() => undefined);
  return Promise.race([step, expired]).finally(() => clearTimeout(timer));
}

/** What a new measurement is needed for: any of these changing may change what works. */
export function capabilityKey(id: EngineIdentity): string {
  return [
    id.kind,
    id.version,
    id.containerdVersion ?? '-',
    `${id.defaultRuntime} ${id.runtimeVersion}`,
    id.kernel,
    id.arch,
  ].join(' | ');
}

export function engineLine(id: EngineIdentity): string {
  const name = id.kind === 'podman' ? 'Podman' : 'Docker';
  return [
    `${name} ${id.version}`,
    id.containerdVersion ? `containerd ${id.containerdVersion}` : null,
    `${id.defaultRuntime} ${id.runtimeVersion}`,
  ]
    .filter(Boolean)
    .join(', ');
}

const works = (): CapabilityOutcomeT => ({ state: 'works', detail: null, known: null });
const untested = (why: string): CapabilityOutcomeT => ({ state: 'untested', detail: why, known: null });
function fails(e: unknown): CapabilityOutcomeT {
  const detail = firstLines(engineMessage(e));
  return { state: 'fails', detail, known: knownIssue(detail) };
}

/** Engines answer with whole logs sometimes; a line or two says it. */
function firstLines(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const joined = lines.slice(0, 3).join(' ');
  return joined.length > 400 ? `${joined.slice(0, 397)}…` : joined;
}

/** "(00.000000) Version: 4.2.1 (gitid 0)" at the top of every CRIU log. */
export function criuVersionFromLog(log: string): string | null {
  return /Version:\s*([0-9]+\.[0-9]+(?:\.[0-9]+)?)/.exec(log.slice(0, 4096))?.[1] ?? null;
}

/** A bridge network to measure on: a user-defined one when there is one, else the default. */
async function bridgeNetwork(conn: EngineConnection): Promise<string | null> {
  const nets = await conn.engine.http
    .json<{ Name: string; Driver: string }[]>({
      method: 'GET',
      path: '/networks',
      ok: [200],
      timeoutMs: 15_000,
    })
    .catch(() => []);
  const bridges = nets.filter((n) => n.Driver === 'bridge').map((n) => n.Name);
  return bridges.find((n) => !['bridge', 'podman'].includes(n)) ?? bridges[0] ?? null;
}

export interface ProbeDeps {
  conn: EngineConnection;
  backend: CheckpointBackend;
  /** Checked between steps: a disposed app stops probing (and still cleans up). */
  cancelled?: () => boolean;
  /** Time allowed to one CRIU step and to the clean-up; PROBE_STEP_MS unless a test says. */
  stepMs?: number;
}

class Cancelled extends Error {}

/** Runs the probe; never throws for what the engine cannot do (that is the result). */
export async function probeEngine(d: ProbeDeps): Promise<EngineCapabilitiesT> {
  const started = Date.now();
  const id = d.conn.identity;
  const base = {
    engineId: d.conn.spec.id,
    key: id ? capabilityKey(id) : 'unknown',
    engine: id ? engineLine(id) : 'unknown engine',
    measuredAt: started,
  };
  const unavailable = (reason: string): EngineCapabilitiesT => ({
    ...base,
    state: 'unavailable',
    reason,
    durationMs: Date.now() - started,
    criu: { tcp: untested(reason), version: null },
    modes: { none: null, host: null, bridge: null },
  });
  if (!id) return unavailable('the engine has not answered yet');
  if (id.kind === 'docker' && !id.experimental)
    return unavailable('experimental mode is off, so the engine cannot checkpoint at all');
  if (id.rootless) return unavailable('the engine runs rootless, and CRIU needs root');
  let image: string;
  try {
    image = await ensureToolsImage(d.conn.engine, id.arch);
  } catch (e) {
    return unavailable(`the probe's image could not be put on the engine: ${engineMessage(e)}`);
  }
  const stepMs = d.stepMs ?? PROBE_STEP_MS;
  const criuStep = <T>(what: string, p: Promise<T>) => deadline(p, stepMs, what);
  const made = new Set<string>();
  const checkpoints: Target[] = [];
  const step = () => {
    if (d.cancelled?.()) throw new Cancelled();
  };
  const start = async (networkMode: string, args: string[]) => {
    step();
    const cid = await startTool(d.conn.engine, { image, args, networkMode, role: 'probe' });
    made.add(cid);
    return resolveContainer(d.conn, cid);
  };
  const loopback = async (containerId: string): Promise<'up' | 'down' | 'unknown'> => {
    const r = await runTool(d.conn.engine, {
      image,
      args: ['lo'],
      networkMode: `container:${containerId}`,
      capAdd: ['NET_ADMIN'],
      role: 'probe',
    }).catch(() => null);
    return r?.exitCode === LO_WAS_UP ? 'up' : r?.exitCode === LO_BROUGHT_UP ? 'down' : 'unknown';
  };
  const running = async (cid: string) =>
    Boolean((await d.conn.engine.inspect(cid).catch(() => null))?.State?.Running);

  const probeMode = async (networkMode: string): Promise<ModeCapabilitiesT> => {
    const out: ModeCapabilitiesT = {
      network: networkMode,
      checkpoint: untested('not reached'),
      restore: untested('the checkpoint failed'),
      clone: untested('the checkpoint failed'),
      loopbackAfterRestore: 'unknown',
      loopbackAfterClone: 'unknown',
    };
    let t: Target;
    try {
      t = await start(networkMode, []);
    } catch (e) {
      if (e instanceof Cancelled) throw e;
      out.checkpoint = untested(`the probe's container did not start: ${firstLines(engineMessage(e))}`);
      return out;
    }
    try {
      checkpoints.push(t);
      await criuStep(
        'a checkpoint',
        d.backend.create(t, PROBE_CHECKPOINT, {
          leaveRunning: false,
          tcpEstablished: false,
          fileLocks: false,
        }),
      );
      out.checkpoint = works();
    } catch (e) {
      out.checkpoint = fails(e);
      return out;
    }
    step();
    let source = t;
    try {
      const stopped = await resolveContainer(d.conn, t.id);
      const restoredId = await criuStep('a restore', d.backend.restoreInPlace(stopped, PROBE_CHECKPOINT));
      made.add(restoredId);
      if (!(await running(restoredId))) throw new Error('the container was not running after its restore');
      out.restore = works();
      out.loopbackAfterRestore = await loopback(restoredId);
      source = await resolveContainer(d.conn, restoredId);
      if (restoredId !== t.id) checkpoints.push(source);
    } catch (e) {
      out.restore = fails(e);
    }
    step();
    try {
      const name = `cs-probe-clone-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
      const cloning = d.backend.clone(
        source,
        PROBE_CHECKPOINT,
        [{ name, portBindings: {} }],
        () => undefined,
      );
      // A clone that outlives its deadline is still the probe's to remove once it exists.
      void cloning.then(([c]) => c?.id && made.add(c.id)).catch(() => undefined);
      const [clone] = await criuStep('a restore into a new container', cloning);
      if (clone?.id) made.add(clone.id);
      if (!clone?.id || clone.error) throw new Error(clone?.error ?? 'the clone was not created');
      if (!(await running(clone.id))) throw new Error('the clone was not running after its restore');
      out.clone = works();
      out.loopbackAfterClone = await loopback(clone.id);
    } catch (e) {
      out.clone = fails(e);
    }
    return out;
  };

  const probeCriu = async (): Promise<{ tcp: CapabilityOutcomeT; version: string | null }> => {
    let t: Target;
    try {
      t = await start('none', ['tcp']);
    } catch (e) {
      if (e instanceof Cancelled) throw e;
      return { tcp: untested(firstLines(engineMessage(e))), version: null };
    }
    try {
      // Podman keeps CRIU's log only for a checkpoint it keeps itself (an export removes it).
      if (id.kind === 'podman') await criuStep('a checkpoint', checkpointKeep(d.conn.engine, t.id));
      else {
        checkpoints.push(t);
        await criuStep(
          'a checkpoint',
          d.backend.create(t, `${PROBE_CHECKPOINT}-tcp`, {
            leaveRunning: true,
            tcpEstablished: false,
            fileLocks: false,
          }),
        );
      }
      // Podman keeps CRIU's log beside the container; Docker discards it after a success.
      const logPath = id.kind === 'podman' ? await checkpointLogPath(d.conn.engine, t.id) : null;
      const log = logPath ? await readHostFile(d.conn.engine, image, logPath).catch(() => null) : null;
      return { tcp: works(), version: log ? criuVersionFromLog(log.toString('utf8')) : null };
    } catch (e) {
      const out = fails(e);
      // A hung CRIU's log is still being written, and the engine may not answer until it ends.
      if (e instanceof StepHung) return { tcp: out, version: null };
      const logPath =
        e instanceof CriuFailure
          ? e.logPath
          : id.kind === 'podman'
            ? await checkpointLogPath(d.conn.engine, t.id, engineMessage(e))
            : null;
      const log = logPath ? await readHostFile(d.conn.engine, image, logPath).catch(() => null) : null;
      if (log) {
        const text = log.toString('utf8');
        const known = knownIssue(text);
        if (known) out.known = known;
        // CRIU's own error says more than the runtime's command line.
        const lines = relevantLogLines(text).filter((l) => /Error/.test(l));
        if (lines.length) out.detail = firstLines(lines[0]!);
        return { tcp: out, version: criuVersionFromLog(text) };
      }
      return { tcp: out, version: null };
    }
  };

  try {
    const bridge = await bridgeNetwork(d.conn);
    const kinds: [NetworkKindT, string | null][] = [
      ['none', 'none'],
      ['host', 'host'],
      ['bridge', bridge],
    ];
    const [criu, ...modes] = await Promise.all([
      probeCriu(),
      ...kinds.map(([, net]) => (net ? probeMode(net) : Promise.resolve(null))),
    ]);
    return {
      ...base,
      state: 'measured',
      reason: null,
      durationMs: Date.now() - started,
      criu: criu!,
      modes: { none: modes[0] ?? null, host: modes[1] ?? null, bridge: modes[2] ?? null },
    };
  } catch (e) {
    if (e instanceof Cancelled) return unavailable('the app closed while measuring');
    return unavailable(`the probe failed: ${firstLines(engineMessage(e))}`);
  } finally {
    // An engine held by a hung CRIU answers only when that CRIU ends: the clean-up goes on in
    // the background then, and the verdict does not wait for it.
    const cleanUp = (async () => {
      for (const t of checkpoints) await d.backend.remove(t, PROBE_CHECKPOINT).catch(() => undefined);
      for (const t of checkpoints)
        await d.backend.remove(t, `${PROBE_CHECKPOINT}-tcp`).catch(() => undefined);
      await Promise.all([...made].map((cid) => removeTool(d.conn.engine, cid)));
    })().catch(() => undefined);
    await deadline(cleanUp, stepMs, 'the clean-up').catch(() => undefined);
  }
}
