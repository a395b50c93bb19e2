// Checkpoints per container, and the long operations (checkpoint, restore, clone) with their
// progress. Lists refresh when the main process says the catalog changed.
import { create } from 'zustand';
import type {
  CheckpointRecordT,
  CloneResultT,
  MigrationResultT,
  OperationProgressT,
  PortPlanT,
} from '../../../electron/ipc/contract';
import { toErrorInfo, type ErrorInfo } from '../../../electron/ipc/errors';
import { api } from '../api/client';
import { keyedAsync, type Loaded } from './keyed-async';

export const key = (engineId: string, containerId: string) => `${engineId}/${containerId}`;

export function newOpId(): string {
  return `op-${crypto.randomUUID()}`;
}

export interface OperationState {
  // Export and import run in their own views (useOperationProgress); their kinds are listed so
  // that any operations.progressed kind fits.
  kind: OperationProgressT['kind'] | 'delete';
  progress: OperationProgressT | null;
  error: ErrorInfo | null;
  done: boolean;
  message: string;
}

interface CheckpointState {
  /** Per container; a list stays shown (with the last error) while it is read again. */
  lists: Record<string, Loaded<CheckpointRecordT[]>>;
  /** The operation running or last finished, per container. */
  ops: Record<string, OperationState>;

  init(): void;
  load(engineId: string, containerId: string): Promise<void>;
  create(
    engineId: string,
    containerId: string,
    o: { name?: string; leaveRunning: boolean; note?: string },
  ): Promise<CheckpointRecordT | null>;
  restore(
    engineId: string,
    containerId: string,
    checkpoint: string,
    replaceRunning: boolean,
  ): Promise<boolean>;
  remove(engineId: string, containerId: string, checkpoint: string): Promise<boolean>;
  saveNote(engineId: string, containerId: string, checkpoint: string, note: string): Promise<boolean>;
  clone(
    engineId: string,
    containerId: string,
    o: { checkpoint: string; count: number; prefix: string; ports: PortPlanT },
    opId: string,
  ): Promise<CloneResultT | null>;
  migrate(
    engineId: string,
    containerId: string,
    to: string,
    keepSource: boolean,
    opId: string,
  ): Promise<MigrationResultT | null>;
  clearOp(engineId: string, containerId: string): void;
}

const opIds = new Map<string, string>(); // opId → container key

export const useCheckpoints = create<CheckpointState>((set, get) => {
  const lists = keyedAsync(set, get, 'lists');
  const setOp = (k: string, patch: Partial<OperationState> & { kind: OperationState['kind'] }) =>
    set((s) => ({
      ops: {
        ...s.ops,
        [k]: { progress: null, error: null, done: false, message: '', ...s.ops[k], ...patch },
      },
    }));

  async function run<T>(
    k: string,
    kind: OperationState['kind'],
    message: string,
    fn: (opId: string) => Promise<T>,
    opId = newOpId(),
  ): Promise<T | null> {
    opIds.set(opId, k);
    set((s) => ({ ops: { ...s.ops, [k]: { kind, progress: null, error: null, done: false, message } } }));
    try {
      const value = await fn(opId);
      setOp(k, { kind, done: true });
      return value;
    } catch (e) {
      setOp(k, { kind, done: true, error: toErrorInfo(e) });
      return null;
    } finally {
      opIds.delete(opId);
    }
  }

  return {
    lists: {},
    ops: {},

    init() {
      api.on('catalog.changed', ({ engineId, containerId }) => {
        if (lists.entry(key(engineId, containerId))?.data) void get().load(engineId, containerId);
      });
      api.on('operations.progressed', (p) => {
        const k = opIds.get(p.opId);
        if (!k) return;
        const kind = get().ops[k]?.kind ?? p.kind;
        setOp(k, { kind, progress: p, message: p.message });
      });
    },

    async load(engineId, containerId) {
      await lists.load(
        key(engineId, containerId),
        () => api.call('checkpoints.list', { engineId, container: containerId }),
        { keep: true },
      );
    },

    async create(engineId, containerId, o) {
      const k = key(engineId, containerId);
      const record = await run(k, 'checkpoint', 'Checkpointing…', (opId) =>
        api.call('checkpoints.create', {
          engineId,
          container: containerId,
          leaveRunning: o.leaveRunning,
          opId,
          ...(o.name ? { name: o.name } : {}),
          ...(o.note ? { note: o.note } : {}),
        }),
      );
      if (record) {
        setOp(k, {
          kind: 'checkpoint',
          message: `Checkpoint ${record.name} saved in ${record.durationMs ?? '?'} ms.`,
        });
        await get().load(engineId, containerId);
      }
      return record;
    },

    async restore(engineId, containerId, checkpoint, replaceRunning) {
      const k = key(engineId, containerId);
      const res = await run(k, 'restore', `Restoring ${checkpoint}…`, (opId) =>
        api.call('checkpoints.restore', {
          engineId,
          container: containerId,
          checkpoint,
          replaceRunning,
          opId,
        }),
      );
      if (res)
        setOp(k, {
          kind: 'restore',
          message: `Restored ${checkpoint} in ${res.durationMs} ms; the container is ${res.container.state}.`,
        });
      return res !== null;
    },

    async remove(engineId, containerId, checkpoint) {
      const k = key(engineId, containerId);
      const res = await run(k, 'delete', `Deleting ${checkpoint}…`, () =>
        api.call('checkpoints.delete', { engineId, container: containerId, checkpoint }),
      );
      if (res) {
        setOp(k, { kind: 'delete', message: `Deleted ${checkpoint}.` });
        await get().load(engineId, containerId);
      }
      return res !== null;
    },

    async saveNote(engineId, containerId, checkpoint, note) {
      try {
        await api.call('checkpoints.note', { engineId, container: containerId, checkpoint, note });
        await get().load(engineId, containerId);
        return true;
      } catch (e) {
        setOp(key(engineId, containerId), { kind: 'checkpoint', done: true, error: toErrorInfo(e) });
        return false;
      }
    },

    async clone(engineId, containerId, o, opId) {
      const k = key(engineId, containerId);
      return run(
        k,
        'clone',
        `Cloning ${o.count}…`,
        () =>
          api.call('clones.run', {
            engineId,
            container: containerId,
            checkpoint: o.checkpoint,
            count: o.count,
            prefix: o.prefix,
            ports: o.ports,
            opId,
          }),
        opId,
      );
    },

    async migrate(engineId, containerId, to, keepSource, opId) {
      return run(
        key(engineId, containerId),
        'migrate',
        'Migrating…',
        () => api.call('migrations.run', { engineId, container: containerId, to, keepSource, opId }),
        opId,
      );
    },

    clearOp(engineId, containerId) {
      set((s) => {
        const ops = { ...s.ops };
        delete ops[key(engineId, containerId)];
        return { ops };
      });
    },
  };
});
