import { describe, expect, it } from 'vitest';
import { addProgressLine, containerNameProblem, instanceRunning, originLine } from './portable-text';

describe('addProgressLine', () => {
  it('replaces a line that only updates the one before it', () => {
    let lines: string[] = [];
    lines = addProgressLine(lines, 'Reading a.tar…');
    lines = addProgressLine(lines, 'Reading a.tar… 3.0 MiB');
    lines = addProgressLine(lines, 'Reading a.tar… 5.0 MiB');
    expect(lines).toEqual(['Reading a.tar… 5.0 MiB']);
  });

  it('keeps lines about different steps', () => {
    let lines: string[] = [];
    for (const m of ['Reading a.tar… 1 KiB', 'web-1: creating…', 'web-1: restoring…', 'Done', 'Done'])
      lines = addProgressLine(lines, m);
    expect(lines).toEqual(['Reading a.tar… 1 KiB', 'web-1: creating…', 'web-1: restoring…', 'Done']);
  });
});

describe('originLine', () => {
  const base = {
    madeBy: 'Podman',
    engineKind: 'podman' as const,
    containerName: null,
    image: null,
    pod: null,
    checkpointedAt: null,
  };

  it('says what is known', () => {
    expect(originLine(base)).toBe('Made by Podman.');
    expect(originLine({ ...base, containerName: 'web', pod: 'shop' })).toBe(
      'Made by Podman from container web in pod shop.',
    );
    expect(originLine({ ...base, madeBy: 'unknown' })).toBe('Made by an unknown tool.');
  });
});

describe('instanceRunning', () => {
  it('needs an id and no error', () => {
    expect(instanceRunning({ name: 'a', id: 'abc' })).toBe(true);
    expect(instanceRunning({ name: 'a', id: 'abc', error: 'restore failed' })).toBe(false);
    expect(instanceRunning({ name: 'a', id: null })).toBe(false);
  });
});

describe('containerNameProblem', () => {
  it('follows the engine name rule', () => {
    expect(containerNameProblem('')).toBeNull();
    expect(containerNameProblem('web-2.copy')).toBeNull();
    expect(containerNameProblem('-web')).not.toBeNull();
    expect(containerNameProblem('a b')).not.toBeNull();
    expect(containerNameProblem('a'.repeat(101))).toBe('At most 100 characters.');
  });
});
