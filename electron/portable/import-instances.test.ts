import { describe, expect, it } from 'vitest';
import type { EngineConnection } from '../engines/engine-connection';
import { StudioError } from '../ipc/errors';
import { freeNames, journalNames, makeInstances } from './import-instances';

const engineWith = (...taken: string[]) =>
  ({
    spec: { name: 'E' },
    engine: { inspect: async (n: string) => (taken.includes(n) ? { Id: `id-${n}` } : null) },
  }) as unknown as EngineConnection;

const refused = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('not refused'),
    (e: unknown) => e as StudioError,
  );

describe('names for N instances', () => {
  it('one keeps the name; several are numbered', async () => {
    expect(await freeNames(engineWith(), 'web', 1, '')).toEqual(['web']);
    expect(await freeNames(engineWith(), 'web', 3, '')).toEqual(['web-1', 'web-2', 'web-3']);
  });
  it('refuses a name the engine would refuse, and names already taken, all of them said', async () => {
    expect((await refused(freeNames(engineWith(), '-x', 1, ''))).code).toBe('invalid-argument');
    const e = await refused(freeNames(engineWith('web-1', 'web-3'), 'web', 3, 'Choose another.'));
    expect(e).toMatchObject({ code: 'conflict', message: 'E has a container called web-1, web-3 already.' });
    expect(e.hint).toBe('Choose another.');
  });
});

class Journal {
  readonly lines = new Map<number, string>();
  readonly log: string[] = [];
  private next = 1;
  begin = (_k: string, summary: string) => (this.log.push(`begin ${summary}`), 0);
  add = (_op: number, e: { ref: string }) => (this.lines.set(this.next, e.ref), this.next++);
  drop = (line: number) => void this.lines.delete(line);
  end = () => void this.log.push('end');
  leaveToRecovery = () => void this.log.push('recovery');
}

describe('the journal of N instances', () => {
  it('every name is written before anything is made; those that came up are dropped after', () => {
    const j = new Journal();
    const settle = journalNames(j, 'e', '2 from x', ['a', 'b'], (n) => n);
    expect([...j.lines.values()]).toEqual(['a', 'b']);
    settle.settle(
      [
        { name: 'a', id: '1' },
        { name: 'b', id: null, error: 'failed' },
      ],
      'settled',
    );
    expect([...j.lines.values()]).toEqual(['b']);
    expect(j.log).toEqual(['begin 2 from x', 'end']);
  });
  it('one that failed and could not be removed, or an unforeseen failure, goes to recovery', () => {
    const j = new Journal();
    journalNames(j, 'e', 's', ['a'], (n) => n).settle([{ name: 'a', id: '1', error: 'x' }], 'settled');
    const k = new Journal();
    journalNames(k, 'e', 's', ['a'], (n) => n).settle([], 'unforeseen');
    expect(j.log.at(-1)).toBe('recovery');
    expect(k.log.at(-1)).toBe('recovery');
    expect([...k.lines.values()]).toEqual(['a']);
  });
});

describe('making N instances', () => {
  it("says each one's failure, finds one made anyway, and starts none after a cancel", async () => {
    const cancel = new AbortController();
    const made: string[] = [];
    const instances = await makeInstances(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'],
      cancel.signal,
      async (name) => {
        made.push(name);
        if (name === 'b') throw new Error('no space left on device');
        if (name === 'c') cancel.abort();
        return `id-${name}`;
      },
      async (name) => (name === 'b' ? 'id-b-anyway' : null),
    );
    expect(instances[0]).toEqual({ name: 'a', id: 'id-a' });
    expect(instances[1]).toEqual({ name: 'b', id: 'id-b-anyway', error: 'no space left on device' });
    const notStarted = instances.filter((o) => !made.includes(o.name));
    expect(notStarted.length).toBeGreaterThan(0);
    for (const o of notStarted)
      expect(o).toMatchObject({ id: null, error: expect.stringMatching(/cancel/i) });
  });
});
