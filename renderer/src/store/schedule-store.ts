// Schedules per container and their recent runs; kept fresh by schedule events. Failed runs
// raise a notice the container page shows until dismissed.
import { create } from 'zustand';
import type { PolicyRunT, PolicyT } from '../../../electron/ipc/contract';
import { toErrorInfo, type ErrorInfo } from '../../../electron/ipc/errors';
import { api } from '../api/client';
import { key } from './checkpoint-store';

interface ScheduleState {
  policies: Record<string, PolicyT | null>;
  runs: Record<string, PolicyRunT[]>;
  failures: Record<string, PolicyRunT | null>;
  error: Record<string, ErrorInfo | null>;
  init(): void;
  load(engineId: string, containerId: string): Promise<void>;
  save(
    engineId: string,
    containerId: string,
    s: {
      everyMs: number;
      keepLast: number;
      keepHourly: number;
      keepDaily: number;
      budgetBytes: number | null;
      maxFailures: number;
    },
  ): Promise<boolean>;
  pause(engineId: string, containerId: string, paused: boolean): Promise<void>;
  remove(engineId: string, containerId: string): Promise<void>;
  dismissFailure(engineId: string, containerId: string): void;
}

export const useSchedules = create<ScheduleState>((set, get) => {
  const fail = (k: string, e: unknown) => set((s) => ({ error: { ...s.error, [k]: toErrorInfo(e) } }));
  return {
    policies: {},
    runs: {},
    failures: {},
    error: {},
    init() {
      api.on('schedule.changed', ({ engineId, containerId }) => {
        if (key(engineId, containerId) in get().policies) void get().load(engineId, containerId);
      });
      api.on('schedule.run', (run) => {
        const k = key(run.engineId, run.containerId);
        if (run.outcome === 'failed') set((s) => ({ failures: { ...s.failures, [k]: run } }));
        if (k in get().policies) void get().load(run.engineId, run.containerId);
      });
    },
    async load(engineId, containerId) {
      const k = key(engineId, containerId);
      try {
        const all = await api.call('schedules.list', { engineId });
        const p = all.find((x) => x.containerId === containerId) ?? null;
        const runs = p
          ? await api.call('schedule.runs', { engineId, container: containerId, limit: 200 })
          : [];
        set((s) => ({
          policies: { ...s.policies, [k]: p },
          runs: { ...s.runs, [k]: runs },
          error: { ...s.error, [k]: null },
        }));
      } catch (e) {
        fail(k, e);
      }
    },
    async save(engineId, containerId, settings) {
      const k = key(engineId, containerId);
      try {
        await api.call('schedule.set', { engineId, container: containerId, ...settings });
        await get().load(engineId, containerId);
        return true;
      } catch (e) {
        fail(k, e);
        return false;
      }
    },
    async pause(engineId, containerId, paused) {
      try {
        await api.call('schedule.pause', { engineId, container: containerId, paused });
        await get().load(engineId, containerId);
      } catch (e) {
        fail(key(engineId, containerId), e);
      }
    },
    async remove(engineId, containerId) {
      try {
        await api.call('schedule.remove', { engineId, container: containerId });
        await get().load(engineId, containerId);
      } catch (e) {
        fail(key(engineId, containerId), e);
      }
    },
    dismissFailure(engineId, containerId) {
      set((s) => ({ failures: { ...s.failures, [key(engineId, containerId)]: null } }));
    },
  };
});
