import { describe, expect, it } from 'vitest';
import { changedRoots } from './changed-roots';

describe('changed roots', () => {
  it('carries each changed path once, never the engine’s own files, and lists deletions', () => {
    expect(
      changedRoots([
        { Path: '/data', Kind: 0 },
        { Path: '/data/a', Kind: 1 },
        { Path: '/etc/hosts', Kind: 0 },
        { Path: '/tmp/x', Kind: 1 },
        { Path: '/old', Kind: 2 },
        { Path: '/proc/1', Kind: 1 },
      ]),
    ).toEqual({ carry: ['/data', '/tmp/x'], deleted: ['/old'] });
  });
});
