// What the stores keep for each thing they ask the main process about by key (a container's
// checkpoints, an inspection, a schedule): its answer, its error and whether a request is under
// way, kept in one record of the store and updated the same way everywhere.
import type { StoreApi } from 'zustand';
import { toErrorInfo, type ErrorInfo } from '../../../electron/ipc/errors';

/** One key's last answer, last error, and whether a request for it is under way. */
export interface Loaded<T> {
  data: T | null;
  error: ErrorInfo | null;
  loading: boolean;
}

/** The fields of a store's state that hold a record of Loaded values. */
type LoadedFields<S> = {
  [K in keyof S]: S[K] extends Record<string, Loaded<unknown>> ? K : never;
}[keyof S];
type DataOf<S, K extends keyof S> = S[K] extends Record<string, Loaded<infer T>> ? T : never;

export interface KeyedAsync<T> {
  /** The key's state, or undefined if it was never asked for. */
  entry(key: string): Loaded<T> | undefined;
  /**
   * Asks for the key's value: loading while `call` runs, then its value (and no error) or its
   * error. `keep`: the last value and error stay while it runs and the last value stays after a
   * failure (a list refreshed in place); otherwise both are cleared at the start.
   */
  load(key: string, call: () => Promise<T>, o?: { keep?: boolean }): Promise<void>;
  /** Runs an action on the key; a failure becomes the key's error. True if it succeeded. */
  attempt(key: string, call: () => Promise<unknown>): Promise<boolean>;
}

/** The keyed requests of one field of a zustand store (`set` and `get` as `create` gives them). */
export function keyedAsync<S, K extends LoadedFields<S>>(
  set: StoreApi<S>['setState'],
  get: StoreApi<S>['getState'],
  field: K,
): KeyedAsync<DataOf<S, K>> {
  type T = DataOf<S, K>;
  const entry = (key: string) => (get()[field] as Record<string, Loaded<T>>)[key];
  const put = (key: string, v: Loaded<T>) =>
    set((s) => ({ [field]: { ...(s[field] as Record<string, Loaded<T>>), [key]: v } }) as Partial<S>);
  return {
    entry,
    async load(key, call, o = {}) {
      const last = o.keep ? entry(key) : undefined;
      put(key, { data: last?.data ?? null, error: last?.error ?? null, loading: true });
      try {
        put(key, { data: await call(), error: null, loading: false });
      } catch (e) {
        put(key, { data: o.keep ? (entry(key)?.data ?? null) : null, error: toErrorInfo(e), loading: false });
      }
    },
    async attempt(key, call) {
      try {
        await call();
        return true;
      } catch (e) {
        const now = entry(key);
        put(key, { data: now?.data ?? null, loading: now?.loading ?? false, error: toErrorInfo(e) });
        return false;
      }
    },
  };
}
