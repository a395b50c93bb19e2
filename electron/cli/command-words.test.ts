import { describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io';
import { nearestCommand, readCommand, splitCommand } from './command-words';
import { main } from './main';
import { COMMANDS } from './verbs';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), env: {} };
  return { value, out: () => out.join('\n'), err: () => err.join('\n') };
}

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
    expect(nearestCommand('chekpoint', COMMANDS)).toBe('checkpoint');
    expect(nearestCommand('restor', COMMANDS)).toBe('restore');
    expect(nearestCommand('schedles', COMMANDS)).toBe('schedules');
    expect(nearestCommand('kubernetes', COMMANDS)).toBeNull();
  });

  it('hands a command its options under its own names, and its one container', () => {
    const a = readCommand(
      'memsearch',
      ['c:x', '--max-hits', '3', '--regex', '--engine', 'e1', '--engine', 'e2'],
      {
        CHECKPOINT_STUDIO_HOME: '/tmp/cs-home',
      },
    );
    expect(a.options('max-hits', 'regex', 'pid')).toEqual({
      json: false,
      dataDir: '/tmp/cs-home',
      engine: 'e1',
      maxHits: '3',
      regex: true,
      pid: undefined,
    });
    expect(a.engines).toEqual(['e1', 'e2']);
    expect(a.onContainer()).toMatchObject({ container: 'c:x' });
    expect(() => readCommand('restore', ['a', 'b'], {}).container()).toThrow(
      'restore takes one container name or id',
    );
    expect(() => readCommand('ps', ['--forse'], {})).toThrow(/--forse/);
  });

  it('refuses words for a command that takes options only, before loading it', async () => {
    const t = io();
    expect(await main(['library', 'foo'], t.value)).toBe(64);
    expect(t.err()).toBe('error: library takes no arguments (got "foo")');
  });

  // The commands' modules are loaded only when asked for: help must not depend on them.
  it('--help lists every command, without loading any', async () => {
    const t = io();
    expect(await main(['--help'], t.value)).toBe(0);
    for (const c of COMMANDS) expect(t.out(), c).toMatch(new RegExp(`(^|[\\s|])${c}([\\s|]|$)`, 'm'));
  });

  it('an unknown command is a usage error that says so, with the usage', async () => {
    const t = io();
    expect(await main(['frobnicate'], t.value)).toBe(64);
    expect(t.err()).toMatch(/^error: unknown command "frobnicate"\nhint: the commands are listed below\./);
    expect(t.err()).toContain('usage: checkpoint-studio <command>');
    expect(t.out()).toBe('');
  });
});
