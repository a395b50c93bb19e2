// Schedules per container and their recent runs; kept fresh by schedule events. Failed runs
// raise a notice the container page shows until dismissed.
import { create } from 'zustand';
import type { PolicyRunT, PolicySettingsT, PolicyT } from '../../../electron/ipc/contract';
import { api } from '../api/client';
import { key } from './checkpoint-store';
import { keyedAsync, type Loaded } from './keyed-async';

/** What the schedule dialog sets: the settings of a policy, for the container it is opened on. */
export type ScheduleSettings = Omit<PolicySettingsT, 'engineId' | 'container'>;

/** A container's schedule (null: none) and its recent runs, newest first. */
export interface ScheduleOf {
  policy: PolicyT | null;
  runs: PolicyRunT[];
}

interface ScheduleState {
  /** Per container; the error is that of the last read or change. */
  schedules: Record<string, Loaded<ScheduleOf>>;
  failures: Record<string, PolicyRunT | null>;
  init(): void;
  load(engineId: string, containerId: string): Promise<void>;
  save(engineId: string, containerId: string, s: ScheduleSettings): Promise<boolean>;
  pause(engineId: string, containerId: string, paused: boolean): Promise<void>;
  remove(engineId: string, containerId: string): Promise<void>;
  dismissFailure(engineId: string, containerId: string): void;
}

export const useSchedules = create<ScheduleState>((set, get) => {
  const schedules = keyedAsync(set, get, 'schedules');
  const read = (engineId: string, containerId: string) => schedules.entry(key(engineId, containerId))?.data;
  const change = async (engineId: string, containerId: string, call: () => Promise<unknown>) =>
    schedules.attempt(key(engineId, containerId), async () => {
      await call();
      await get().load(engineId, containerId);
    });
  return {
    schedules: {},
    failures: {},
    init() {
      api.on('schedules.changed', ({ engineId, containerId }) => {
        if (read(engineId, containerId)) void get().load(engineId, containerId);
      });
      api.on('schedules.ran', (run) => {
        const k = key(run.engineId, run.containerId);
        if (run.outcome === 'failed') set((s) => ({ failures: { ...s.failures, [k]: run } }));
        if (read(run.engineId, run.containerId)) void get().load(run.engineId, run.containerId);
      });
    },
    async load(engineId, containerId) {
      await schedules.load(
        key(engineId, containerId),
        async () => {
          const all = await api.call('schedules.list', { engineId });
          const policy = all.find((x) => x.containerId === containerId) ?? null;
          const runs = policy
            ? await api.call('schedules.listRuns', { engineId, container: containerId, limit: 200 })
            : [];
          return { policy, runs };
        },
        { keep: true },
      );
    },
    async save(engineId, containerId, settings) {
      return change(engineId, containerId, () =>
        api.call('schedules.set', { engineId, container: containerId, ...settings }),
      );
    },
    async pause(engineId, containerId, paused) {
      await change(engineId, containerId, () =>
        api.call('schedules.pause', { engineId, container: containerId, paused }),
      );
    },
    async remove(engineId, containerId) {
      await change(engineId, containerId, () =>
        api.call('schedules.remove', { engineId, container: containerId }),
      );
    },
    dismissFailure(engineId, containerId) {
      set((s) => ({ failures: { ...s.failures, [key(engineId, containerId)]: null } }));
    },
  };
});
