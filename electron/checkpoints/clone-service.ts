// N warm copies of a container from one checkpoint, from one request: names and ports checked
// before anything starts, then the engine's backend makes them (Docker: create, copy the
// checkpoint in through helper containers, start from it; Podman: import under new names).
// Bounded parallelism; each instance is reported on its own; whatever fails is removed.
import type { CloneInstanceT, ClonePlanT, CloneRequestT, CloneResultT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import { isLocalHost } from '../engines/engine-spec';
import { containerFromInspect } from '../engines/docker/container-mapping';
import type { CheckpointAccess, CloneRecords, Events } from './checkpoint-deps';
import type { Target } from './container-target';
import { likelyCause } from './criu-diagnosis';
import { mapLimit, removedOrNot } from './backends/docker-backend';
import { inspectCheckpoint } from '../criu/inspect';
import { carriedSettings } from './carried-settings';
import { assignPorts, portFree, type PortBindings } from './clone-ports';
import { bringLoopbackUp, shouldRepairLoopback } from './loopback';
import type { ContainerNetworkKind } from '../capabilities/network-kind';
import type { EngineCapabilitiesT } from '../ipc/contract';

export { CLONE_PARALLELISM } from './backends/docker-backend';
export { assignPorts } from './clone-ports';

const NAME_RULE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export class CloneService {
  constructor(
    private readonly checkpoints: CheckpointAccess,
    private readonly catalog: CloneRecords,
    private readonly bus: Events,
  ) {}

  private async analyse(req: CloneRequestT): Promise<{
    t: Target;
    plan: ClonePlanT;
    ports: PortBindings[];
    refused: StudioError | null;
    network: { kind: ContainerNetworkKind; caps: EngineCapabilitiesT | null };
  }> {
    const t = await this.checkpoints.target(req.engineId, req.container);
    const backend = this.checkpoints.backend(t.conn);
    const problems: string[] = [];
    // What the engine was measured to fail comes first: nothing else matters then.
    let refused: StudioError | null = null;
    let network: { kind: ContainerNetworkKind; caps: EngineCapabilitiesT | null } = {
      kind: 'other',
      caps: null,
    };
    try {
      network = await this.checkpoints.capabilities.require(t.conn, t.info, 'clone');
    } catch (e) {
      if (!(e instanceof StudioError) || e.code !== 'unsupported') throw e;
      refused = e;
      problems.push(
        `${e.message.replace(/ Nothing was stopped or created\.$/, '')}${e.hint ? ` ${e.hint}` : ''}`,
      );
    }
    const names = Array.from({ length: req.count }, (_, i) => `${req.prefix}-${i + 1}`);
    const bad = names.filter((n) => !NAME_RULE.test(n) || n.length > 128);
    if (bad.length)
      problems.push(
        `the engine would refuse the name${bad.length > 1 ? 's' : ''} ${bad.slice(0, 3).join(', ')}`,
      );
    // The engine's word, not the live list's (which may be a moment behind): plan and run agree.
    const taken = new Set(t.conn.list().map((c) => c.name));
    const exists = await Promise.all(
      names.map(async (n) => taken.has(n) || (await t.conn.engine.inspect(n).catch(() => null)) !== null),
    );
    const clashes = names.filter((_n, i) => exists[i]);
    if (clashes.length) {
      problems.push(
        `${clashes.length === 1 ? 'a container is' : `${clashes.length} containers are`} already named ${clashes.slice(0, 5).join(', ')}${clashes.length > 5 ? '…' : ''}: choose another prefix`,
      );
    }
    const onEngine = await backend.list(t);
    if (!onEngine.includes(req.checkpoint)) {
      problems.push(
        `${t.name} has no checkpoint named "${req.checkpoint}"${onEngine.length ? ` (it has ${onEngine.join(', ')})` : ''}`,
      );
    }
    if (!refused && network.kind === 'host' && onEngine.includes(req.checkpoint)) {
      const clash = await this.hostPortClash(t, req.checkpoint, req.count);
      if (clash) problems.push(clash);
    }
    const bindings = (t.info.HostConfig?.PortBindings ?? {}) as PortBindings;
    const sourcePorts = Object.keys(bindings).filter((k) => (bindings[k] ?? []).length);
    const used = new Set(t.conn.list().flatMap((c) => c.ports.map((p) => p.publicPort ?? 0)));
    // Any process can hold a port, not only containers: on this machine's engines, ask the host.
    if (req.ports.mode === 'range' && isLocalHost(t.conn.spec.host)) {
      const span = Math.min(req.ports.to, req.ports.from + 2000);
      for (let p = req.ports.from; p <= span; p++) if (!used.has(p) && !(await portFree(p))) used.add(p);
    }
    const assigned = assignPorts(req.ports, bindings, req.count, used);
    if (assigned.problem) problems.push(assigned.problem);
    if (!backend.supports.clonePorts && sourcePorts.length && req.ports.mode !== 'none') {
      problems.push(
        'clones on Podman cannot publish the source\'s ports yet: choose "None" and reach them through the engine',
      );
    }
    return {
      t,
      plan: { names, problems, sourcePorts, carried: carriedSettings(t.info) },
      ports: assigned.perClone,
      refused,
      network,
    };
  }

  /**
   * On the host network a clone listens where its source listened, in the one network namespace
   * they share: a second listener on a port is refused by the kernel mid-restore. Said up front.
   */
  private async hostPortClash(t: Target, checkpoint: string, count: number): Promise<string | null> {
    const backend = this.checkpoints.backend(t.conn);
    const inspection = await inspectCheckpoint(backend.inspectSource(t, checkpoint)).catch(() => null);
    const ports = [
      ...new Set(
        (inspection?.sockets ?? [])
          .filter((k) => k.proto === 'tcp' && k.state === 'listen' && k.port)
          .map((k) => k.port!),
      ),
    ].sort((a, b) => a - b);
    if (!ports.length) return null;
    const sourceListens = Boolean(t.info.State?.Running);
    if (!sourceListens && count === 1) return null;
    const what = ports.map((p) => `${p}/tcp`).join(', ');
    return `${t.name} is on the host network and listens on ${what}: ${sourceListens ? `the running source holds ${ports.length > 1 ? 'those ports' : 'that port'}` : 'each clone would need the same port'}, and clones share the host's ports, so they cannot listen there too. Clone a container on a bridge network instead (each clone gets its own ports), or one whose service listens on a Unix socket`;
  }

  async plan(req: CloneRequestT): Promise<ClonePlanT> {
    return (await this.analyse(req)).plan;
  }

  async run(req: CloneRequestT): Promise<CloneResultT> {
    const started = Date.now();
    const { t, plan, ports, refused, network } = await this.analyse(req);
    if (refused) throw refused;
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
        this.bus.emit('operations.progressed', {
          opId: req.opId,
          kind: 'clone',
          message,
          done,
          instances: instances.map((i) => ({ ...i })),
        });
    };
    return this.checkpoints.locks.run(req.engineId, t.id, 'clone', async () => {
      const { signal, end } = this.checkpoints.cancellation.begin(req.opId);
      // Every name is written down before anything is made: a crash is cleaned up at the next start.
      const journal = this.checkpoints.journal;
      const jop = journal.begin('clone', `${req.count} of ${t.name} from ${req.checkpoint}`);
      for (const name of plan.names)
        journal.add(jop, {
          engineId: req.engineId,
          action: 'remove-container',
          ref: name,
          label: `clone ${name}`,
        });
      try {
        return await this.make(req, t, plan, ports, network, instances, emit, started, signal);
      } finally {
        end();
        journal.end(jop);
      }
    });
  }

  private async make(
    req: CloneRequestT,
    t: Target,
    plan: ClonePlanT,
    ports: PortBindings[],
    network: { kind: ContainerNetworkKind; caps: EngineCapabilitiesT | null },
    instances: CloneInstanceT[],
    emit: (message: string, done?: boolean) => void,
    started: number,
    signal: AbortSignal,
  ): Promise<CloneResultT> {
    emit(`Creating ${req.count} container${req.count > 1 ? 's' : ''}…`);
    const outcomes = await this.checkpoints.backend(t.conn).clone(
      t,
      req.checkpoint,
      plan.names.map((name, i) => ({ name, portBindings: ports[i] ?? {} })),
      (name, state) => {
        const inst = instances.find((i) => i.name === name);
        if (!inst) return;
        inst.state = state;
        emit(
          `${state === 'creating' ? 'Creating' : state === 'copying' ? 'Copying the checkpoint into' : 'Restoring'} ${name}…`,
        );
      },
      signal,
    );
    const repairLoopback = shouldRepairLoopback(
      this.checkpoints.capabilities.loopbackComesBackDown(network.caps, network.kind, 'clone'),
      network.kind,
    );
    await mapLimit(outcomes, 4, async (o, i) => {
      const inst = instances[i]!;
      inst.id = o.id;
      inst.restoreMs = o.restoreMs;
      if (o.error || !o.id) {
        const cause = likelyCause(o.error ?? '');
        inst.state = 'failed';
        inst.error = cause ? `${cause.cause}: ${o.error}` : (o.error ?? 'not created');
        return;
      }
      const info = await t.conn.engine.inspect(o.id).catch(() => null);
      if (!info?.State?.Running) {
        inst.state = 'failed';
        inst.error = `the clone is ${info?.State?.Status ?? 'gone'} right after its restore`;
        return;
      }
      inst.ports = containerFromInspect(req.engineId, info).ports;
      inst.state = 'running';
      if (repairLoopback && (await bringLoopbackUp(t.conn, o.id)) === 'brought-up') {
        inst.loopbackRepaired = true;
      }
      emit(`${inst.name} is running.`);
    });
    // Cancelled: undone as a failure would be — the clones that came up go too.
    if (signal.aborted) {
      for (const inst of instances) {
        if (inst.state === 'running') inst.state = 'failed';
        inst.error = inst.error && !/cancelled/.test(inst.error) ? inst.error : 'cancelled';
      }
    }
    // A clone that did not come up is removed; if its engine is not answering, that is done when
    // it is back (see Services), and the report says so.
    await mapLimit(
      instances.filter((i) => i.state === 'failed' && i.id),
      4,
      async (inst) => {
        if (await removedOrNot(t.conn.engine, inst.id!)) inst.id = null;
        else {
          this.catalog.addPendingRemoval(req.engineId, inst.id!, `failed clone ${inst.name}`);
          inst.error = `${inst.error ?? 'failed'} (it will be removed when ${t.conn.spec.name} answers again)`;
        }
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
    for (const inst of instances) if (inst.id) void t.conn.touch(inst.id);
    if (signal.aborted) {
      for (const i of instances) if (!i.id) i.state = 'removed';
      const left = instances.filter((i) => i.id).length;
      const err = new StudioError(
        'cancelled',
        `The clone of ${t.name} was cancelled: ${left ? `${req.count - left} of ${req.count} removed; ${left} will be removed when ${t.conn.spec.name} answers again` : `nothing of it is left`}.`,
        left ? { details: instances.filter((i) => i.id).map((i) => `${i.name}: left, to be removed`) } : {},
      );
      emit(err.message, true);
      throw err;
    }
    emit(
      ok
        ? `${req.count} clone${req.count > 1 ? 's' : ''} running.`
        : `${failed} of ${req.count} failed; they were removed.`,
      true,
    );
    return { clones: instances, durationMs, ok };
  }
}
