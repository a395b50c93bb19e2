import { describe, expect, it } from 'vitest';
import { nearestCommand, splitCommand } from './main';

describe('reading the command line', () => {
  it('finds the command after options and their values', () => {
    expect(splitCommand(['--json', 'ps'])).toEqual({ command: 'ps', rest: ['--json'] });
    expect(splitCommand(['--engine', 'unix:///x', 'ps', '-a'])).toEqual({
      command: 'ps',
      rest: ['--engine', 'unix:///x', '-a'],
    });
    expect(splitCommand(['--json'])).toEqual({ command: undefined, rest: ['--json'] });
  });

  it('suggests the command that was meant, and nothing wild', () => {
    expect(nearestCommand('chekpoint')).toBe('checkpoint');
    expect(nearestCommand('restor')).toBe('restore');
    expect(nearestCommand('schedles')).toBe('schedules');
    expect(nearestCommand('kubernetes')).toBeNull();
  });
});
