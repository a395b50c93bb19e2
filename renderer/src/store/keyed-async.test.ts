import { describe, expect, it } from 'vitest';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { StudioError } from '../../../electron/ipc/errors';
import { keyedAsync, type KeyedAsync, type Loaded } from './keyed-async';

interface State {
  items: Record<string, Loaded<string[]>>;
  other: number;
}

function setup(): { store: StoreApi<State>; items: KeyedAsync<string[]> } {
  let items!: KeyedAsync<string[]>;
  const store = createStore<State>((set, get) => {
    items = keyedAsync(set, get, 'items');
    return { items: {}, other: 1 };
  });
  return { store, items };
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const failure = new StudioError('not-found', 'No such container', { hint: 'Reload.' });

describe('keyedAsync', () => {
  it('marks a key loading, then keeps its value, leaving other keys and fields alone', async () => {
    const { store, items } = setup();
    await items.load('b', async () => ['other']);
    const d = deferred<string[]>();
    const done = items.load('a', () => d.promise);
    expect(items.entry('a')).toEqual({ data: null, error: null, loading: true });
    d.resolve(['x']);
    await done;
    expect(store.getState().items).toEqual({
      a: { data: ['x'], error: null, loading: false },
      b: { data: ['other'], error: null, loading: false },
    });
    expect(store.getState().other).toBe(1);
  });

  it('keeps a failure as the error information the main process sent', async () => {
    const { items } = setup();
    await items.load('a', () => Promise.reject(failure));
    expect(items.entry('a')).toEqual({
      data: null,
      error: { code: 'not-found', message: 'No such container', hint: 'Reload.' },
      loading: false,
    });
    await items.load('a', () => Promise.reject(new Error('boom')));
    expect(items.entry('a')?.error).toEqual({ code: 'internal', message: 'boom' });
  });

  it('clears the last value and error at the start, unless asked to keep them', async () => {
    const { items } = setup();
    await items.load('a', async () => ['x']);
    await items.load('a', () => Promise.reject(failure), { keep: true });
    expect(items.entry('a')).toMatchObject({ data: ['x'], error: { code: 'not-found' } });

    const d = deferred<string[]>();
    const kept = items.load('a', () => d.promise, { keep: true });
    expect(items.entry('a')).toMatchObject({ data: ['x'], error: { code: 'not-found' }, loading: true });
    d.resolve(['y']);
    await kept;
    expect(items.entry('a')).toEqual({ data: ['y'], error: null, loading: false });

    const fresh = deferred<string[]>();
    const cleared = items.load('a', () => fresh.promise);
    expect(items.entry('a')).toEqual({ data: null, error: null, loading: true });
    fresh.reject(failure);
    await cleared;
    expect(items.entry('a')).toMatchObject({ data: null, loading: false, error: { code: 'not-found' } });
  });

  it('attempt: true on success; a failure becomes the error, the value stays', async () => {
    const { items } = setup();
    await items.load('a', async () => ['x']);
    expect(await items.attempt('a', async () => undefined)).toBe(true);
    expect(items.entry('a')).toEqual({ data: ['x'], error: null, loading: false });
    expect(await items.attempt('a', () => Promise.reject(failure))).toBe(false);
    expect(items.entry('a')).toMatchObject({ data: ['x'], loading: false, error: { code: 'not-found' } });
    expect(await items.attempt('new', () => Promise.reject(failure))).toBe(false);
    expect(items.entry('new')).toMatchObject({ data: null, loading: false, error: { code: 'not-found' } });
  });
});
