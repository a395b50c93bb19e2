// The renderer's state: engines, their containers (kept live by events), the doctor's report and
// which view is open. Views read it; only the actions below change it.
import { create } from 'zustand';
import type {
  AppInfoT,
  ContainerSummaryT,
  ContainersChangedT,
  DoctorReportT,
  EngineStatusT,
} from '../../../electron/ipc/contract';
import { toErrorInfo, type ErrorInfo } from '../../../electron/ipc/errors';
import { api, type TransportState } from '../api/client';
import { hashFromRoute, pickEngine, routeFromHash, type Route } from './navigation';

export type { Route };

export interface AppState {
  info: AppInfoT | null;
  engines: EngineStatusT[];
  selectedEngineId: string | null;
  containers: Record<string, Record<string, ContainerSummaryT>>;
  /** Engines whose list has been loaded at least once. */
  loaded: Record<string, boolean>;
  route: Route;
  transport: TransportState;
  doctor: { report: DoctorReportT | null; running: boolean; error: ErrorInfo | null };
  fatal: ErrorInfo | null;

  init(): Promise<void>;
  selectEngine(id: string): void;
  navigate(route: Route): void;
  /** `remeasure`: measure again what the engine can do (a throwaway probe, a few seconds). */
  runDoctor(remeasure?: boolean): Promise<void>;
}

function applyChange(
  current: Record<string, Record<string, ContainerSummaryT>>,
  change: ContainersChangedT,
): Record<string, Record<string, ContainerSummaryT>> {
  const rows = change.kind === 'snapshot' ? {} : { ...(current[change.engineId] ?? {}) };
  for (const c of change.upserts) rows[c.id] = c;
  for (const id of change.removals) delete rows[id];
  return { ...current, [change.engineId]: rows };
}

export const useApp = create<AppState>((set, get) => {
  const loadContainers = async (engineId: string) => {
    try {
      const list = await api.call('containers.list', { engineId });
      set((s) => ({
        containers: applyChange(s.containers, { engineId, kind: 'snapshot', upserts: list, removals: [] }),
        loaded: { ...s.loaded, [engineId]: true },
      }));
    } catch {
      // The engine's status carries the reason; its row shows it.
    }
  };

  const loadAll = async () => {
    const engines = await api.call('engines.list', {});
    set((s) => ({
      engines,
      selectedEngineId: pickEngine(engines, s.selectedEngineId),
    }));
    await Promise.all(engines.filter((e) => e.state === 'online').map((e) => loadContainers(e.id)));
  };

  return {
    info: null,
    engines: [],
    selectedEngineId: null,
    containers: {},
    loaded: {},
    route: routeFromHash(location.hash),
    transport: 'connected',
    doctor: { report: null, running: false, error: null },
    fatal: null,

    async init() {
      api.on('engines.statusChanged', (status) => {
        set((s) => {
          const exists = s.engines.some((e) => e.id === status.id);
          const engines = exists
            ? s.engines.map((e) => (e.id === status.id ? status : e))
            : [...s.engines, status];
          // Pick an engine that just came online if the current choice is down.
          const current = engines.find((e) => e.id === s.selectedEngineId);
          const selectedEngineId =
            !current || (current.state !== 'online' && status.state === 'online')
              ? status.id
              : s.selectedEngineId;
          return { engines, selectedEngineId };
        });
        if (status.state === 'online' && !get().loaded[status.id]) void loadContainers(status.id);
      });
      api.on('engines.removed', ({ engineId }) => {
        set((s) => {
          const engines = s.engines.filter((e) => e.id !== engineId);
          const containers = { ...s.containers };
          delete containers[engineId];
          return {
            engines,
            containers,
            selectedEngineId: pickEngine(
              engines,
              s.selectedEngineId === engineId ? null : s.selectedEngineId,
            ),
          };
        });
      });
      api.on('containers.changed', (change) => {
        set((s) => ({
          containers: applyChange(s.containers, change),
          loaded: { ...s.loaded, [change.engineId]: true },
        }));
      });
      api.onTransport((transport) => {
        set({ transport });
        if (transport === 'connected') void loadAll().catch(() => undefined);
      });
      window.addEventListener('hashchange', () => set({ route: routeFromHash(location.hash) }));
      try {
        set({ info: await api.call('app.describe', {}) });
        await loadAll();
      } catch (e) {
        set({ fatal: toErrorInfo(e) });
      }
    },

    selectEngine(id) {
      set({ selectedEngineId: id });
      const route = get().route;
      if (route.view === 'doctor') void get().runDoctor();
      if (route.view === 'container' && route.engineId !== id) get().navigate({ view: 'containers' });
    },

    navigate(route) {
      const hash = hashFromRoute(route);
      if (location.hash !== hash) history.pushState(null, '', hash);
      set({ route, ...(route.view === 'container' ? { selectedEngineId: route.engineId } : {}) });
    },

    async runDoctor(remeasure = false) {
      const engineId = get().selectedEngineId ?? undefined;
      set((s) => ({ doctor: { ...s.doctor, running: true, error: null } }));
      try {
        const report = await api.call('doctor.run', engineId ? { engineId, remeasure } : {});
        set({ doctor: { report, running: false, error: null } });
      } catch (e) {
        set((s) => ({ doctor: { ...s.doctor, running: false, error: toErrorInfo(e) } }));
      }
    },
  };
});

export function selectedEngine(s: AppState): EngineStatusT | undefined {
  return s.engines.find((e) => e.id === s.selectedEngineId);
}
