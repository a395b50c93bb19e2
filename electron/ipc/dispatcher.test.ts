import { describe, expect, it, vi } from 'vitest';
import { createDispatcher, type Handlers } from './dispatcher';

function fakeHandlers() {
  const calls: string[] = [];
  const handlers = {
    'app.info': vi.fn(async () => ({ name: 'x', version: '1', host: 'browser' as const, platform: 'linux' })),
    'engines.list': vi.fn(async () => []),
    'containers.list': vi.fn(async () => {
      calls.push('containers.list');
      return [];
    }),
    'doctor.run': vi.fn(async () => ({
      generatedAt: 0,
      items: [],
      summary: { ok: 0, warning: 0, blocking: 0 },
    })),
  } satisfies Handlers;
  return { handlers, calls };
}

describe('dispatcher', () => {
  it('runs a valid call and wraps the result', async () => {
    const { handlers } = fakeHandlers();
    const d = createDispatcher(handlers);
    expect(await d.dispatch('containers.list', { engineId: 'local' })).toEqual({ ok: true, value: [] });
    expect(handlers['containers.list']).toHaveBeenCalledWith({ engineId: 'local' });
  });

  it.each([
    ['unknown call', 'containers.nuke', {}],
    ['a name that is not a string', 42, {}],
    ['missing field', 'containers.list', {}],
    ['wrong type', 'containers.list', { engineId: 7 }],
    ['extra field', 'containers.list', { engineId: 'local', sneaky: true }],
    ['slash in id', 'containers.list', { engineId: 'a/b' }],
    ['dot-dot id', 'containers.list', { engineId: '..' }],
    ['NUL in id', 'containers.list', { engineId: 'a\0b' }],
    ['shell metacharacters', 'containers.list', { engineId: 'a;rm -rf /' }],
    ['huge string', 'containers.list', { engineId: 'a'.repeat(100_000) }],
    ['args not an object', 'containers.list', 'local'],
    ['array args', 'containers.list', ['local']],
  ])('refuses %s with a clear error and calls nothing', async (_what, name, args) => {
    const { handlers, calls } = fakeHandlers();
    const d = createDispatcher(handlers);
    const res = await d.dispatch(name, args);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('invalid-argument');
      expect(res.error.message.length).toBeGreaterThan(10);
    }
    expect(calls).toEqual([]);
    for (const h of Object.values(handlers)) expect(h).not.toHaveBeenCalled();
  });

  it('names the field that is wrong', async () => {
    const d = createDispatcher(fakeHandlers().handlers);
    const res = await d.dispatch('containers.list', { engineId: 'BAD ID' });
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    if (!res.ok) expect(res.error.message).toContain('engineId');
  });

  it('turns a handler failure into an envelope without a stack trace', async () => {
    const { handlers } = fakeHandlers();
    handlers['engines.list'].mockRejectedValueOnce(new Error('boom'));
    const res = await createDispatcher(handlers).dispatch('engines.list', {});
    expect(res).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
  });
});
