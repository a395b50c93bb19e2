// Inspections by source, loaded once and kept while the app runs; and opening files to inspect
// (the desktop picker, or an upload in browser mode).
import { create } from 'zustand';
import type {
  InspectDiffT,
  InspectSourceT,
  InspectionT,
  MemSearchResultT,
} from '../../../electron/ipc/contract';
import { openEnvelope, type Envelope } from '../../../electron/ipc/errors';
import { api, sessionHeaders } from '../api/client';
import { keyedAsync, type Loaded } from './keyed-async';
import { sourceKey } from './navigation';

interface InspectState {
  inspections: Record<string, Loaded<InspectionT>>;
  diffs: Record<string, Loaded<InspectDiffT>>;
  searches: Record<string, Loaded<MemSearchResultT>>;
  load(source: InspectSourceT): Promise<void>;
  diff(a: InspectSourceT, b: InspectSourceT): Promise<void>;
  search(source: InspectSourceT, o: { pattern: string; regex: boolean; pid?: number }): Promise<void>;
}

export const useInspect = create<InspectState>((set, get) => {
  const inspections = keyedAsync(set, get, 'inspections');
  const diffs = keyedAsync(set, get, 'diffs');
  const searches = keyedAsync(set, get, 'searches');
  return {
    inspections: {},
    diffs: {},
    searches: {},
    async load(source) {
      const key = sourceKey(source);
      if (inspections.entry(key)?.data || inspections.entry(key)?.loading) return;
      await inspections.load(key, () => api.call('inspections.open', { source }));
    },
    async diff(a, b) {
      await diffs.load(`${sourceKey(a)}|${sourceKey(b)}`, () => api.call('inspections.diff', { a, b }));
    },
    async search(source, o) {
      await searches.load(sourceKey(source), () =>
        api.call('inspections.searchMemory', {
          source,
          pattern: o.pattern,
          regex: o.regex,
          maxHits: 200,
          ...(o.pid ? { pid: o.pid } : {}),
        }),
      );
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
