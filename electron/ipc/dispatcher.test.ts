import { describe, expect, it, vi, type Mock } from 'vitest';
import { createDispatcher, type Handlers } from './dispatcher';
import { callNames, type CallName } from './contract-names';

function fakeHandlers() {
  // Every call of the contract, each a spy: what matters here is whether it is reached.
  const handlers = Object.fromEntries(callNames.map((n) => [n, vi.fn(async () => [])])) as unknown as {
    [N in CallName]: Mock<Handlers[N]>;
  };
  return { handlers: handlers as typeof handlers & Handlers, calls: [] as string[] };
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
    ['checkpoint name with ../', 'checkpoints.create', { engineId: 'local', container: 'c', name: '../etc' }],
    [
      'checkpoint name with /',
      'checkpoints.delete',
      { engineId: 'local', container: 'c', checkpoint: 'a/b' },
    ],
    [
      'checkpoint name ending in a dot',
      'checkpoints.restore',
      { engineId: 'local', container: 'c', checkpoint: 'cp.' },
    ],
    ['container with NUL', 'checkpoints.create', { engineId: 'local', container: 'c\0x' }],
    ['container with shell', 'checkpoints.create', { engineId: 'local', container: '$(reboot)' }],
    ['container ..', 'logs.follow', { engineId: 'local', container: '..' }],
    [
      'clone count 0',
      'clones.run',
      { engineId: 'local', container: 'c', checkpoint: 'cp', count: 0, prefix: 'x' },
    ],
    [
      'clone count -1',
      'clones.run',
      { engineId: 'local', container: 'c', checkpoint: 'cp', count: -1, prefix: 'x' },
    ],
    [
      'clone count 10^9',
      'clones.run',
      { engineId: 'local', container: 'c', checkpoint: 'cp', count: 1e9, prefix: 'x' },
    ],
    [
      'clone count 2.5',
      'clones.run',
      { engineId: 'local', container: 'c', checkpoint: 'cp', count: 2.5, prefix: 'x' },
    ],
    [
      'clone prefix with /',
      'clones.plan',
      { engineId: 'local', container: 'c', checkpoint: 'cp', count: 2, prefix: 'a/b' },
    ],
    [
      'port range out of bounds',
      'clones.run',
      {
        engineId: 'local',
        container: 'c',
        checkpoint: 'cp',
        count: 2,
        prefix: 'x',
        ports: { mode: 'range', from: 0, to: 70000 },
      },
    ],
    [
      'unknown port mode',
      'clones.run',
      { engineId: 'local', container: 'c', checkpoint: 'cp', count: 2, prefix: 'x', ports: { mode: 'all' } },
    ],
    [
      'huge note',
      'checkpoints.note',
      { engineId: 'local', container: 'c', checkpoint: 'cp', note: 'x'.repeat(5000) },
    ],
    ['bad subscription id', 'logs.unfollow', { subscriptionId: '../../x' }],
    ['bad operation id', 'checkpoints.create', { engineId: 'local', container: 'c', opId: 'x y' }],
  ])('refuses %s with a clear error and calls nothing', async (_what, name, args) => {
    const { handlers } = fakeHandlers();
    const d = createDispatcher(handlers);
    const res = await d.dispatch(name, args);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('invalid-argument');
      expect(res.error.message.length).toBeGreaterThan(10);
    }
    for (const h of Object.values(handlers)) expect(h).not.toHaveBeenCalled();
  });

  it('names the field that is wrong', async () => {
    const d = createDispatcher(fakeHandlers().handlers);
    const res = await d.dispatch('containers.list', { engineId: 'BAD ID' });
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    if (!res.ok) expect(res.error.message).toMatch(/^the engine: /);
  });

  it('turns a handler failure into an envelope without a stack trace', async () => {
    const { handlers } = fakeHandlers();
    handlers['engines.list'].mockRejectedValueOnce(new Error('boom'));
    const res = await createDispatcher(handlers).dispatch('engines.list', {});
    expect(res).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
  });
});
