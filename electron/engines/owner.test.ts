import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ownerHere, ownerState } from './owner';

describe('who made it', () => {
  it('tells this process, a live one, a gone one, another boot and another machine apart', () => {
    expect(ownerState(ownerHere())).toBe('this-process');
    expect(ownerState(ownerHere(1))).toBe('alive');
    expect(ownerState(ownerHere(2 ** 22 + 7))).toBe('gone');
    const [host, , pid] = ownerHere(1).split(':');
    // pid 1 is alive, but in another boot it was another process: what it made is orphaned.
    expect(ownerState(`${host}:deadbeef:${pid}`)).toBe('gone');
    expect(ownerState(`not-${os.hostname()}:abc:1`)).toBe('elsewhere');
    // Labels of older versions: host:pid.
    expect(ownerState(`${os.hostname()}:${process.pid}`)).toBe('this-process');
  });
});
