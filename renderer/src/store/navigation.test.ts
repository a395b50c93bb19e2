import { describe, expect, it } from 'vitest';
import type { EngineStatusT } from '../../../electron/ipc/contract';
import { hashFromRoute, pickEngine, routeFromHash, type Route } from './navigation';

const engine = (id: string, state: EngineStatusT['state']): EngineStatusT => ({
  id,
  name: id,
  host: 'x',
  kind: 'docker',
  state,
  since: 0,
});

describe('engine choice', () => {
  it('keeps an online choice, leaves a dead one for a live one, keeps the only one', () => {
    expect(pickEngine([engine('a', 'online'), engine('b', 'online')], 'b')).toBe('b');
    expect(pickEngine([engine('local', 'offline'), engine('tb', 'online')], 'local')).toBe('tb');
    expect(pickEngine([engine('local', 'connecting'), engine('tb', 'connecting')], null)).toBe('local');
    expect(pickEngine([engine('local', 'offline')], 'local')).toBe('local');
    expect(pickEngine([], null)).toBeNull();
    expect(pickEngine([engine('a', 'offline')], '*')).toBe('*');
  });
});

describe('routes', () => {
  it('round-trips through the address bar', () => {
    for (const r of [
      { view: 'containers' },
      { view: 'doctor' },
      { view: 'engines' },
      { view: 'container', engineId: 'tb-a', containerId: 'abc123' },
      { view: 'inspect', source: { kind: 'engine', engineId: 'tb-a', container: 'abc', checkpoint: 'cp-1' } },
      { view: 'inspect', source: { kind: 'file', fileId: 'a'.repeat(24) } },
    ] as Route[]) {
      expect(routeFromHash(hashFromRoute(r))).toEqual(r);
    }
    expect(routeFromHash('#/container/../../etc')).toEqual({ view: 'containers' });
    expect(routeFromHash('#/inspect/file/../../etc/passwd')).toEqual({ view: 'containers' });
  });
});
