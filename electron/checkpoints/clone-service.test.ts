import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloneRequestT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import type { CloneService } from './clone-service';
import { ENGINE, FakeWorld, rejection, servicesOn, type FakeContainer } from './service-fakes';

let w: FakeWorld;
let clones: CloneService;
let web: FakeContainer;

beforeEach(() => {
  w = new FakeWorld();
  clones = servicesOn(w).clones;
  web = w.add({ name: 'web', status: 'running' });
  w.checkpoints.set(web.id, ['warm']);
});
afterEach(() => w.close());

const request = (o: Partial<CloneRequestT> = {}): CloneRequestT => ({
  engineId: ENGINE,
  container: 'web',
  checkpoint: 'warm',
  count: 3,
  prefix: 'web-copy',
  ports: { mode: 'none' },
  ...o,
});
const names = () => [...w.containers.values()].map((c) => c.name);
const lastOperation = () => w.operations().at(-1);

describe('clones', () => {
  it('three from one checkpoint: each written down first, all running, the journal cleared', async () => {
    let journalWhenMade: unknown[] = [];
    w.after.set(
      'backend.clone',
      () => (journalWhenMade = journalWhenMade.length ? journalWhenMade : w.journalLines()),
    );
    const r = await clones.run(request());
    expect(w.steps).toEqual([
      'capabilities.require clone',
      'backend.clone-start 3 of web',
      'backend.clone web-copy-1 from warm',
      'backend.clone web-copy-2 from warm',
      'backend.clone web-copy-3 from warm',
    ]);
    // Before the first clone existed, every name was in the journal for a crash to clean up.
    expect(journalWhenMade).toEqual(
      ['web-copy-1', 'web-copy-2', 'web-copy-3'].map((ref) => ({
        action: 'remove-container',
        ref,
        checkpoint: null,
      })),
    );
    expect(w.journalLines()).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.clones.map((c) => [c.name, c.state])).toEqual([
      ['web-copy-1', 'running'],
      ['web-copy-2', 'running'],
      ['web-copy-3', 'running'],
    ]);
    expect(names()).toEqual(['web', 'web-copy-1', 'web-copy-2', 'web-copy-3']);
    expect(w.checkpoints.get(web.id)).toEqual(['warm']);
    expect(lastOperation()).toEqual({ kind: 'clone', ok: 1, error_code: null, checkpoint_name: 'warm' });
  });

  it('instance 2 fails to restore: reported on its own, the others kept', async () => {
    w.failures.set('backend.clone', (what) =>
      what.startsWith('web-copy-2 ') ? new Error('criu restore failed: No space left on device') : undefined,
    );
    const r = await clones.run(request());
    expect(r.ok).toBe(false);
    expect(r.clones.map((c) => [c.name, c.state, c.id !== null])).toEqual([
      ['web-copy-1', 'running', true],
      ['web-copy-2', 'failed', false],
      ['web-copy-3', 'running', true],
    ]);
    expect(r.clones[1]!.error).toMatch(/No space left on device/);
    expect(names()).toEqual(['web', 'web-copy-1', 'web-copy-3']);
    expect(lastOperation()).toEqual({
      kind: 'clone',
      ok: 0,
      error_code: 'clone-failed',
      checkpoint_name: 'warm',
    });
    expect(w.journalLines()).toEqual([]);
  });

  it('instance 2 comes up but has exited right after: it is removed, and says why', async () => {
    w.exitingClones.add('web-copy-2');
    const r = await clones.run(request());
    const second = r.clones[1]!;
    expect(w.steps.at(-1)).toMatch(/^engine\.delete web-copy-2-id-/);
    expect(second).toMatchObject({
      state: 'failed',
      id: null,
      error: 'the clone is exited right after its restore',
    });
    expect(names()).toEqual(['web', 'web-copy-1', 'web-copy-3']);
    expect(w.catalog.pendingRemovals(ENGINE)).toEqual([]);
  });

  it('a failed clone the engine will not remove now is left to remove later, and the report says so', async () => {
    w.exitingClones.add('web-copy-3');
    w.failures.set('engine.delete', () => new Error('engine not answering'));
    const r = await clones.run(request());
    const third = r.clones[2]!;
    expect(third.state).toBe('failed');
    expect(third.error).toBe(
      'the clone is exited right after its restore (it will be removed when Engine one answers again)',
    );
    expect(w.catalog.pendingRemovals(ENGINE)).toEqual([
      { containerId: third.id, reason: 'failed clone web-copy-3' },
    ]);
  });

  it('refused by what the engine was measured to fail: nothing stopped, created or written down', async () => {
    w.refuse = { op: 'clone', error: new StudioError('unsupported', 'This engine cannot clone it.') };
    const e = await rejection(clones.run(request()));
    expect(e.code).toBe('unsupported');
    expect(w.steps).toEqual(['capabilities.require clone']);
    expect(names()).toEqual(['web']);
    expect(web.status).toBe('running');
    expect(w.catalog.db.prepare('SELECT COUNT(*) AS n FROM journal_ops').get()).toEqual({ n: 0 });
    expect(w.operations()).toEqual([]);
  });

  it('a taken name or a checkpoint it does not have: refused with every problem, nothing created', async () => {
    w.add({ name: 'web-copy-2', status: 'exited' });
    const e = await rejection(clones.run(request({ checkpoint: 'cold' })));
    expect(e.code).toBe('invalid-argument');
    expect(e.message).toBe(
      'Cannot clone web: a container is already named web-copy-2: choose another prefix.',
    );
    expect(e.details).toEqual([
      'a container is already named web-copy-2: choose another prefix',
      'web has no checkpoint named "cold" (it has warm)',
    ]);
    expect(e.hint).toBe('Nothing was created.');
    expect(w.steps).toEqual(['capabilities.require clone']);
    expect(names()).toEqual(['web', 'web-copy-2']);
  });

  it('the plan says the same without making anything', async () => {
    w.add({ name: 'web-copy-1', status: 'running' });
    const plan = await clones.plan(request({ count: 2 }));
    expect(plan.names).toEqual(['web-copy-1', 'web-copy-2']);
    expect(plan.problems).toEqual(['a container is already named web-copy-1: choose another prefix']);
    expect(w.steps).toEqual(['capabilities.require clone']);
  });

  it('cancelled after the first clone: what was not made is not made, what was made is removed', async () => {
    w.after.set('backend.clone', () => w.cancellation.cancel('op7'));
    const e = await rejection(clones.run(request({ opId: 'op7' })));
    expect(e.code).toBe('cancelled');
    expect(e.message).toBe('The clone of web was cancelled: nothing of it is left.');
    expect(w.steps.slice(1)).toEqual([
      'backend.clone-start 3 of web',
      'backend.clone web-copy-1 from warm',
      expect.stringMatching(/^engine\.delete web-copy-1-id-/),
    ]);
    expect(names()).toEqual(['web']);
    expect(w.journalLines()).toEqual([]);
    expect(lastOperation()).toMatchObject({ kind: 'clone', ok: 0 });
  });
});
