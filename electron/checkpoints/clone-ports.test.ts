import { describe, expect, it } from 'vitest';
import { assignPorts } from './clone-service';

const src = { '6379/tcp': [{ HostIp: '127.0.0.1', HostPort: '32768' }] };

describe('host ports for clones', () => {
  it('auto: the engine picks, one binding per clone, same host IP', () => {
    const r = assignPorts({ mode: 'auto' }, src, 2, new Set());
    expect(r.problem).toBeUndefined();
    expect(r.perClone).toEqual([
      { '6379/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
      { '6379/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
    ]);
  });

  it('range: distinct free ports, skipping used ones', () => {
    const r = assignPorts({ mode: 'range', from: 7000, to: 7010 }, src, 3, new Set([7001]));
    expect(r.perClone.map((p) => p['6379/tcp']![0]!.HostPort)).toEqual(['7000', '7002', '7003']);
  });

  it('range too small: a problem that counts', () => {
    const r = assignPorts({ mode: 'range', from: 7000, to: 7001 }, src, 3, new Set());
    expect(r.problem).toBe('the port range 7000–7001 has 2 free ports; 3 clones need 3');
  });

  it('inverted range is refused', () => {
    expect(assignPorts({ mode: 'range', from: 9, to: 1 }, src, 1, new Set()).problem).toMatch(/empty/);
  });

  it('none, or a source without published ports: no bindings', () => {
    expect(assignPorts({ mode: 'none' }, src, 2, new Set()).perClone).toEqual([{}, {}]);
    expect(assignPorts({ mode: 'range', from: 1, to: 1 }, {}, 5, new Set()).perClone).toHaveLength(5);
  });
});
