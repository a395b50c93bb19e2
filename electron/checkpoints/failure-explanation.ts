// A failed checkpoint or restore in the user's words: why (CRIU's own log lines when the engine
// leaves them reachable, and the likely cause), and in what state the container is now.
import { StudioError } from '../ipc/errors';
import { EngineHttpError } from '../engines/docker/docker-http';
import { CriuFailure } from '../engines/docker/docker-checkpoints';
import { PodmanCriuFailure } from '../engines/podman/libpod';
import { likelyCause } from './criu-diagnosis';
import type { CheckpointBackend } from './backends/backend';
import type { Target } from './container-target';
import { unpause } from './container-calls';

/** `after`: what the app did about it since, when that is what the user needs to know. */
export async function explainFailure(
  backend: CheckpointBackend,
  t: Target,
  e: unknown,
  what: 'checkpoint' | 'restore',
  after?: string,
): Promise<StudioError> {
  if (e instanceof StudioError) return e;
  const fromCriu = e instanceof CriuFailure || e instanceof PodmanCriuFailure;
  const details: string[] = [];
  let engineMessage = e instanceof Error ? e.message : String(e);
  if (fromCriu) {
    engineMessage = e.engineMessage;
    details.push(...(await backend.failureLog(t, e)));
  } else if (e instanceof EngineHttpError) {
    engineMessage = e.engineMessage;
  }
  if (details.length === 0) details.push(engineMessage);
  const cause = likelyCause(details.join('\n'), engineMessage);
  // Say in what state the container is now: that is what the user worries about.
  let now = await t.conn.engine.inspect(t.id).catch(() => null);
  // containerd pauses the task around a dump and resumes it after; when CRIU dies half-way the
  // resume fails and the engine is left marking a running container "paused". Try to resume it.
  let stalePause = false;
  if (what === 'checkpoint' && now?.State?.Paused && !t.info.State?.Paused) {
    if (await unpause(t.conn, t.id)) now = await t.conn.engine.inspect(t.id).catch(() => null);
    else stalePause = true;
  }
  void t.conn.touch(t.id);
  const status = `${t.name} is ${now?.State?.Status ?? 'in an unknown state'}.`;
  const stateLine =
    what === 'checkpoint'
      ? stalePause
        ? `${t.name}'s processes run again, but the engine still marks it paused (it lost track when CRIU stopped half-way); nothing was saved. Restarting dockerd clears the mark.`
        : now?.State?.Running
          ? `${t.name} is still running; nothing was saved.`
          : status
      : `The checkpoint is intact; ${after ?? status}`;
  const verb = what === 'checkpoint' ? 'Checkpoint' : 'Restore';
  return new StudioError(
    'criu-failed',
    `${verb} of ${t.name} failed${cause ? `: ${cause.cause}` : ''}. ${stateLine}`,
    {
      hint:
        cause?.hint ??
        (fromCriu ? "The lines below are from CRIU's log." : "See the engine's message below."),
      details,
      cause: e,
    },
  );
}
