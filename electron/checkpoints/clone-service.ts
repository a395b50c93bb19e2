// N warm copies of a container from one checkpoint. Docker 20.10 restores only from a container's
// own checkpoints folder, so each clone is created (not started), gets the checkpoint copied in
// through the engine API (helper container + archive endpoints), then starts from it. Bounded
// parallelism; each instance is reported on its own; whatever fails is removed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ContainerInspectInfo } from 'dockerode';
import type { CloneInstanceT, ClonePlanT, CloneRequestT, CloneResultT, PortPlanT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import type { EventBus } from '../ipc/event-bus';
import type { CheckpointCatalog } from '../catalog/checkpoint-catalog';
import { deleteCheckpoint, listCheckpoints, startFromCheckpoint } from '../engines/docker/docker-checkpoints';
import { EngineHttpError } from '../engines/docker/docker-http';
import { getArchive, putArchive, singleFileTar, withHelper } from '../engines/docker/helper-container';
import { containerFromInspect } from '../engines/docker/container-mapping';
import type { CheckpointService } from './checkpoint-service';
import { checkpointsDir, type Target } from './container-target';
import { likelyCause } from './criu-diagnosis';

export const CLONE_PARALLELISM = 4;
export const CLONE_LABEL = 'dev.checkpointstudio.clone-of';
const NAME_RULE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

type PortBindings = Record<string, { HostIp?: string; HostPort?: string }[] | null>;

async function mapLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Host ports for each clone, or the problem that prevents it. */
export function assignPorts(
  plan: PortPlanT,
  sourceBindings: PortBindings,
  count: number,
  usedPorts: Set<number>,
): { perClone: PortBindings[]; problem?: string } {
  const keys = Object.keys(sourceBindings).filter((k) => (sourceBindings[k] ?? []).length > 0);
  const perClone: PortBindings[] = [];
  if (plan.mode === 'none' || keys.length === 0) {
    for (let i = 0; i < count; i++) perClone.push({});
    return { perClone };
  }
  if (plan.mode === 'auto') {
    // The engine picks a free host port for each: nothing to clash.
    for (let i = 0; i < count; i++) {
      perClone.push(
        Object.fromEntries(
          keys.map((k) => [
            k,
            (sourceBindings[k] ?? []).map((b) => ({ HostIp: b.HostIp ?? '', HostPort: '' })),
          ]),
        ),
      );
    }
    return { perClone };
  }
  if (plan.from > plan.to) return { perClone, problem: `the port range ${plan.from}–${plan.to} is empty` };
  const needed = count * keys.reduce((n, k) => n + (sourceBindings[k] ?? []).length, 0);
  const free: number[] = [];
  for (let p = plan.from; p <= plan.to && free.length < needed; p++) if (!usedPorts.has(p)) free.push(p);
  if (free.length < needed) {
    return {
      perClone,
      problem: `the port range ${plan.from}–${plan.to} has ${free.length} free port${free.length === 1 ? '' : 's'}; ${count} clone${count === 1 ? '' : 's'} need ${needed}`,
    };
  }
  for (let i = 0; i < count; i++) {
    perClone.push(
      Object.fromEntries(
        keys.map((k) => [
          k,
          (sourceBindings[k] ?? []).map((b) => ({ HostIp: b.HostIp ?? '', HostPort: String(free.shift()) })),
        ]),
      ),
    );
  }
  return { perClone };
}

export class CloneService {
  constructor(
    private readonly checkpoints: CheckpointService,
    private readonly catalog: CheckpointCatalog,
    private readonly bus: EventBus,
  ) {}

  private async analyse(req: CloneRequestT): Promise<{ t: Target; plan: ClonePlanT; ports: PortBindings[] }> {
    const t = await this.checkpoints.target(req.engineId, req.container);
    const problems: string[] = [];
    const names = Array.from({ length: req.count }, (_, i) => `${req.prefix}-${i + 1}`);
    const bad = names.filter((n) => !NAME_RULE.test(n) || n.length > 128);
    if (bad.length)
      problems.push(
        `the engine would refuse the name${bad.length > 1 ? 's' : ''} ${bad.slice(0, 3).join(', ')}`,
      );
    const taken = new Set(t.conn.list().map((c) => c.name));
    const clashes = names.filter((n) => taken.has(n));
    if (clashes.length) {
      problems.push(
        `${clashes.length === 1 ? 'a container is' : `${clashes.length} containers are`} already named ${clashes.slice(0, 5).join(', ')}${clashes.length > 5 ? '…' : ''}: choose another prefix`,
      );
    }
    const onEngine = await listCheckpoints(t.conn.engine, t.id);
    if (!onEngine.includes(req.checkpoint)) {
      problems.push(
        `${t.name} has no checkpoint named "${req.checkpoint}"${onEngine.length ? ` (it has ${onEngine.join(', ')})` : ''}`,
      );
    }
    const bindings = (t.info.HostConfig?.PortBindings ?? {}) as PortBindings;
    const used = new Set(t.conn.list().flatMap((c) => c.ports.map((p) => p.publicPort ?? 0)));
    const assigned = assignPorts(req.ports, bindings, req.count, used);
    if (assigned.problem) problems.push(assigned.problem);
    return {
      t,
      plan: { names, problems, sourcePorts: Object.keys(bindings).filter((k) => (bindings[k] ?? []).length) },
      ports: assigned.perClone,
    };
  }

  async plan(req: CloneRequestT): Promise<ClonePlanT> {
    return (await this.analyse(req)).plan;
  }

  async run(req: CloneRequestT): Promise<CloneResultT> {
    const started = Date.now();
    const { t, plan, ports } = await this.analyse(req);
    if (plan.problems.length) {
      throw new StudioError('invalid-argument', `Cannot clone ${t.name}: ${plan.problems[0]}.`, {
        details: plan.problems,
        hint: 'Nothing was created.',
      });
    }
    const instances: CloneInstanceT[] = plan.names.map((name) => ({
      name,
      id: null,
      state: 'pending',
      ports: [],
      restoreMs: null,
    }));
    const emit = (message: string, done = false) => {
      if (req.opId)
        this.bus.emit('operation.progress', {
          opId: req.opId,
          kind: 'clone',
          message,
          done,
          instances: instances.map((i) => ({ ...i })),
        });
    };
    const fail = (i: CloneInstanceT, e: unknown) => {
      i.state = 'failed';
      const msg = e instanceof EngineHttpError ? e.engineMessage : e instanceof Error ? e.message : String(e);
      const cause = likelyCause(msg);
      i.error = cause ? `${cause.cause}: ${msg}` : msg;
    };

    return this.checkpoints.locks.run(req.engineId, t.id, 'clone', async () => {
      emit(`Creating ${req.count} container${req.count > 1 ? 's' : ''}…`);
      const body = await this.cloneConfig(t);
      await mapLimit(instances, CLONE_PARALLELISM, async (inst, i) => {
        inst.state = 'creating';
        emit(`Creating ${inst.name}…`);
        try {
          const created = await t.conn.engine.http.json<{ Id: string }>({
            method: 'POST',
            path: '/containers/create',
            query: { name: inst.name },
            body: { ...body, HostConfig: { ...body.HostConfig, PortBindings: ports[i] } },
            ok: [201],
            timeoutMs: 60_000,
          });
          inst.id = created.Id;
        } catch (e) {
          fail(inst, e);
        }
      });

      const ready = instances.filter((i) => i.id);
      if (ready.length) {
        try {
          await this.copyCheckpoint(t, req.checkpoint, ready, emit);
        } catch (e) {
          for (const inst of ready) if (inst.state !== 'failed') fail(inst, e);
        }
      }

      await mapLimit(
        instances.filter((i) => i.id && i.state !== 'failed'),
        CLONE_PARALLELISM,
        async (inst) => {
          inst.state = 'restoring';
          emit(`Restoring ${inst.name}…`);
          const t0 = Date.now();
          try {
            await startFromCheckpoint(t.conn.engine, inst.id!, req.checkpoint);
            inst.restoreMs = Date.now() - t0;
            const info = await t.conn.engine.inspect(inst.id!);
            if (!info?.State?.Running)
              throw new Error(`the clone is ${info?.State?.Status ?? 'gone'} right after its restore`);
            inst.ports = containerFromInspect(req.engineId, info).ports;
            inst.state = 'running';
            // The restored process no longer needs the copy; a warm clone should not cost disk.
            await deleteCheckpoint(t.conn.engine, inst.id!, req.checkpoint).catch(() => undefined);
            emit(`${inst.name} is running.`);
          } catch (e) {
            fail(inst, e);
          }
        },
      );

      // Whatever did not come up is removed: a failed clone leaves nothing behind.
      await mapLimit(
        instances.filter((i) => i.state === 'failed' && i.id),
        CLONE_PARALLELISM,
        async (inst) => {
          await t.conn.engine.http
            .json({
              method: 'DELETE',
              path: `/containers/${inst.id}`,
              query: { force: true, v: true },
              ok: [204, 404],
              timeoutMs: 60_000,
            })
            .then(() => {
              inst.id = null;
            })
            .catch(() => undefined);
        },
      );

      const ok = instances.every((i) => i.state === 'running');
      const failed = instances.filter((i) => i.state === 'failed').length;
      const durationMs = Date.now() - started;
      this.catalog.logOperation({
        kind: 'clone',
        engineId: req.engineId,
        containerId: t.id,
        checkpointName: req.checkpoint,
        startedAt: started,
        finishedAt: Date.now(),
        ok,
        errorCode: ok ? null : 'clone-failed',
        errorMessage: ok ? null : `${failed} of ${req.count} clones failed`,
        detail: instances.map((i) => ({
          name: i.name,
          state: i.state,
          error: i.error,
          restoreMs: i.restoreMs,
        })),
      });
      emit(
        ok
          ? `${req.count} clone${req.count > 1 ? 's' : ''} running.`
          : `${failed} of ${req.count} failed; they were removed.`,
        true,
      );
      for (const inst of instances) if (inst.id) void t.conn.touch(inst.id);
      return { clones: instances, durationMs, ok };
    });
  }

  /** The source's configuration, for a new container that is the same but for name and ports. */
  private async cloneConfig(
    t: Target,
  ): Promise<Record<string, unknown> & { HostConfig: Record<string, unknown> }> {
    const info: ContainerInspectInfo = t.info;
    const cfg = info.Config;
    // The image by name when that name still means the same image; by id otherwise.
    const named = await t.conn.engine.http
      .json<{ Id: string }>({
        method: 'GET',
        path: `/images/${encodeURIComponent(cfg.Image)}/json`,
        ok: [200],
        timeoutMs: 15_000,
      })
      .catch(() => null);
    const image = named?.Id === info.Image ? cfg.Image : info.Image;
    const hc = { ...(info.HostConfig as unknown as Record<string, unknown>) };
    delete hc.ContainerIDFile;
    const networks = Object.keys(info.NetworkSettings?.Networks ?? {});
    const mode = String(hc.NetworkMode ?? '');
    const userNetwork =
      networks.find((n) => n === mode) && !['bridge', 'host', 'none', 'default'].includes(mode) ? mode : null;
    return {
      Image: image,
      Cmd: cfg.Cmd,
      Entrypoint: cfg.Entrypoint,
      Env: cfg.Env,
      WorkingDir: cfg.WorkingDir,
      User: cfg.User,
      Tty: cfg.Tty,
      OpenStdin: cfg.OpenStdin,
      StdinOnce: cfg.StdinOnce,
      StopSignal: (cfg as { StopSignal?: string }).StopSignal,
      ExposedPorts: cfg.ExposedPorts,
      Volumes: cfg.Volumes,
      Labels: { ...(cfg.Labels ?? {}), [CLONE_LABEL]: t.id },
      HostConfig: hc,
      ...(userNetwork ? { NetworkingConfig: { EndpointsConfig: { [userNetwork]: {} } } } : {}),
    };
  }

  /**
   * One copy of the checkpoint is fetched into a temporary file, then written into each clone's
   * own checkpoints folder, with a marker file that makes each copy unique (containerd refuses a
   * second, identical checkpoint blob while the first is still in its store).
   */
  private async copyCheckpoint(
    t: Target,
    name: string,
    clones: CloneInstanceT[],
    emit: (m: string) => void,
  ): Promise<void> {
    const tmp = path.join(os.tmpdir(), `checkpoint-studio-${crypto.randomBytes(6).toString('hex')}.tar`);
    try {
      emit(`Reading checkpoint ${name}…`);
      await withHelper(
        t.conn.engine,
        t.imageId,
        [{ host: checkpointsDir(t.conn, t.id), container: '/cs/src', readOnly: true }],
        async (helper) => {
          await pipeline(
            await getArchive(t.conn.engine, helper, `/cs/src/${name}`),
            fs.createWriteStream(tmp, { mode: 0o600 }),
          );
        },
      );
      const binds = clones.map((c, i) => ({
        host: checkpointsDir(t.conn, c.id!),
        container: `/cs/dst/${i}`,
      }));
      await withHelper(t.conn.engine, t.imageId, binds, async (helper) => {
        await mapLimit(clones, CLONE_PARALLELISM, async (inst, i) => {
          inst.state = 'copying';
          emit(`Copying the checkpoint into ${inst.name}…`);
          try {
            await putArchive(t.conn.engine, helper, `/cs/dst/${i}`, fs.createReadStream(tmp));
            const marker = JSON.stringify({
              cloneOf: t.id,
              sourceName: t.name,
              checkpoint: name,
              clone: inst.name,
              at: new Date().toISOString(),
            });
            await putArchive(
              t.conn.engine,
              helper,
              `/cs/dst/${i}`,
              singleFileTar(`${name}/checkpoint-studio-clone.json`, marker),
            );
          } catch (e) {
            inst.state = 'failed';
            inst.error = e instanceof EngineHttpError ? e.engineMessage : String(e);
          }
        });
      });
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
}
