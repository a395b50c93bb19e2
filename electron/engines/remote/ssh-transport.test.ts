import util from 'node:util';
import { describe, expect, it } from 'vitest';
import { SshTransport } from './ssh-transport';

describe('the SSH agent as docker-modem formats it', () => {
  it('inspects as one short line, not the ssh2 client behind it', () => {
    const t = new SshTransport({ id: 'e', name: 'far', host: 'ssh://root@192.0.2.1:2222' });
    // What docker-modem does to every request's options, debug log on or off.
    const text = util.inspect(
      { agent: t.agent, path: '/containers/json' },
      { showHidden: true, depth: null },
    );
    expect(text).toContain('[ssh agent 192.0.2.1:2222]');
    expect(text.length).toBeLessThan(200);
  });
});
