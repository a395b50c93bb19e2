// Inspections by source, loaded once and kept while the app runs; and opening files to inspect
// (the desktop picker, or an upload in browser mode).
import { create } from 'zustand';
import type {
  InspectDiffT,
  InspectSourceT,
  InspectionT,
  MemSearchResultT,
} from '../../../electron/ipc/contract';
import { openEnvelope, toErrorInfo, type ErrorInfo, type Envelope } from '../../../electron/ipc/errors';
import { api, sessionHeaders } from '../api/client';
import { sourceKey } from './navigation';

interface Loaded<T> {
  data: T | null;
  error: ErrorInfo | null;
  loading: boolean;
}

interface InspectState {
  inspections: Record<string, Loaded<InspectionT>>;
  diffs: Record<string, Loaded<InspectDiffT>>;
  searches: Record<string, Loaded<MemSearchResultT>>;
  load(source: InspectSourceT): Promise<void>;
  diff(a: InspectSourceT, b: InspectSourceT): Promise<void>;
  search(source: InspectSourceT, o: { pattern: string; regex: boolean; pid?: number }): Promise<void>;
}

export const useInspect = create<InspectState>((set, get) => {
  const put = <K extends 'inspections' | 'diffs' | 'searches'>(
    kind: K,
    key: string,
    v: InspectState[K][string],
  ) => set((s) => ({ [kind]: { ...s[kind], [key]: v } }) as Partial<InspectState>);
  return {
    inspections: {},
    diffs: {},
    searches: {},
    async load(source) {
      const key = sourceKey(source);
      if (get().inspections[key]?.data || get().inspections[key]?.loading) return;
      put('inspections', key, { data: null, error: null, loading: true });
      try {
        put('inspections', key, {
          data: await api.call('inspect.open', { source }),
          error: null,
          loading: false,
        });
      } catch (e) {
        put('inspections', key, { data: null, error: toErrorInfo(e), loading: false });
      }
    },
    async diff(a, b) {
      const key = `${sourceKey(a)}|${sourceKey(b)}`;
      put('diffs', key, { data: null, error: null, loading: true });
      try {
        put('diffs', key, { data: await api.call('inspect.diff', { a, b }), error: null, loading: false });
      } catch (e) {
        put('diffs', key, { data: null, error: toErrorInfo(e), loading: false });
      }
    },
    async search(source, o) {
      const key = sourceKey(source);
      put('searches', key, { data: null, error: null, loading: true });
      try {
        const data = await api.call('inspect.memsearch', {
          source,
          pattern: o.pattern,
          regex: o.regex,
          maxHits: 200,
          ...(o.pid ? { pid: o.pid } : {}),
        });
        put('searches', key, { data, error: null, loading: false });
      } catch (e) {
        put('searches', key, { data: null, error: toErrorInfo(e), loading: false });
      }
    },
  };
});

/** Browser mode: streams a dropped or chosen file to the app, which answers with an opaque id. */
export async function uploadForInspection(file: File): Promise<{ fileId: string; name: string }> {
  const res = await fetch(`./api/upload?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream', ...sessionHeaders() },
    credentials: 'omit',
    body: file,
  });
  const env = (await res.json()) as Envelope<{ fileId: string; name: string }>;
  return openEnvelope(env);
}
