import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CriuFailure } from '../engines/docker/docker-checkpoints';
import { StudioError } from '../ipc/errors';
import type { CheckpointService } from './checkpoint-service';
import { ENGINE, FakeWorld, rejection, servicesOn, type FakeContainer } from './service-fakes';

let w: FakeWorld;
let svc: CheckpointService;
let web: FakeContainer;

beforeEach(() => {
  w = new FakeWorld();
  svc = servicesOn(w).checkpoints;
  web = w.add({ name: 'web', status: 'running' });
});
afterEach(() => w.close());

const dumpFailure = () => new CriuFailure('dump', 'runc did not terminate successfully', null);
const names = () => w.catalog.list(ENGINE, web.id).map((r) => r.name);

describe('checkpoint', () => {
  it('saves it on the engine, then records it in the catalog and the operations log', async () => {
    const r = await svc.create({
      engineId: ENGINE,
      container: 'web',
      name: 'one',
      leaveRunning: true,
      note: 'hi',
    });
    expect(w.steps).toEqual(['backend.create one (leave running)']);
    expect(r).toMatchObject({
      name: 'one',
      containerId: web.id,
      mode: 'running',
      origin: 'manual',
      note: 'hi',
    });
    expect(names()).toEqual(['one']);
    expect(w.operations()).toEqual([{ kind: 'checkpoint', ok: 1, error_code: null, checkpoint_name: 'one' }]);
  });

  it('a name nobody typed does not clash with one made in the same second', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(2026, 11, 7, 9, 5, 1));
    try {
      await svc.create({ engineId: ENGINE, container: 'web', leaveRunning: true });
      await svc.create({ engineId: ENGINE, container: 'web', leaveRunning: true });
    } finally {
      vi.useRealTimers();
    }
    expect(w.checkpoints.get(web.id)).toEqual(['cp-20261207-090501', 'cp-20261207-090501-2']);
    expect(names().sort()).toEqual(['cp-20261207-090501', 'cp-20261207-090501-2']);
  });

  it('a failed dump: a clear error, the container still running, nothing in the catalog', async () => {
    w.failures.set('backend.create', () => dumpFailure());
    const e = await rejection(
      svc.create({ engineId: ENGINE, container: 'web', name: 'half', leaveRunning: false }),
    );
    expect(e.code).toBe('criu-failed');
    expect(e.message).toMatch(/^Checkpoint of web failed.*web is still running; nothing was saved\.$/);
    expect(e.details).toEqual(["(00.1) Error (criu/sk-unix.c:1): unix: Can't dump a socket"]);
    expect(web.status).toBe('running');
    expect(names()).toEqual([]);
    expect(w.operations()).toEqual([
      { kind: 'checkpoint', ok: 0, error_code: 'criu-failed', checkpoint_name: 'half' },
    ]);
  });

  it('a dump that dies half-way leaves the engine marking it paused: it is resumed', async () => {
    w.failures.set('backend.create', () => {
      web.status = 'paused';
      return dumpFailure();
    });
    const e = await rejection(
      svc.create({ engineId: ENGINE, container: 'web', name: 'x', leaveRunning: true }),
    );
    expect(w.steps).toEqual(['backend.create x (leave running)', `engine.unpause ${web.id}`]);
    expect(e.message).toMatch(/web is still running; nothing was saved/);
    expect(web.status).toBe('running');
  });

  it('…and when it cannot be resumed, says so', async () => {
    w.failures.set('backend.create', () => {
      web.status = 'paused';
      return dumpFailure();
    });
    w.failures.set('engine.unpause', () => new Error('no'));
    const e = await rejection(
      svc.create({ engineId: ENGINE, container: 'web', name: 'x', leaveRunning: true }),
    );
    expect(e.message).toMatch(/the engine still marks it paused/);
    expect(names()).toEqual([]);
  });

  it('refusals touch nothing: a stopped container, a taken name, options Docker cannot pass', async () => {
    const stopped = w.add({ name: 'stopped', status: 'exited' });
    w.checkpoints.set(web.id, ['taken']);
    const refusals = await Promise.all([
      rejection(svc.create({ engineId: ENGINE, container: stopped.id, leaveRunning: true })),
      rejection(svc.create({ engineId: ENGINE, container: 'web', name: 'taken', leaveRunning: true })),
      rejection(svc.create({ engineId: ENGINE, container: 'web', leaveRunning: true, tcpEstablished: true })),
    ]);
    expect(refusals.map((e) => e.code)).toEqual(['conflict', 'conflict', 'unsupported']);
    expect(refusals[2]!.message).toBe('Docker cannot checkpoint with keeping established TCP connections.');
    expect(w.steps).toEqual([]);
    expect(w.catalog.list(ENGINE)).toEqual([]);
  });
});

describe('restore', () => {
  beforeEach(async () => {
    await svc.create({ engineId: ENGINE, container: 'web', name: 'early', leaveRunning: true });
    w.steps.length = 0;
  });

  it('over a running container, confirmed: saved first, restored, the safety checkpoint removed', async () => {
    let journalDuringRestore: unknown[] = [];
    w.after.set('backend.create', () => (journalDuringRestore = w.journalLines()));
    const r = await svc.restore({
      engineId: ENGINE,
      container: 'web',
      checkpoint: 'early',
      replaceRunning: true,
    });
    const safety = w.steps[1]!.replace('backend.create ', '');
    expect(safety).toMatch(/^before-restore-/);
    expect(w.steps).toEqual([
      'capabilities.require restore',
      `backend.create ${safety}`,
      'backend.restore early',
      `backend.remove ${safety}`,
    ]);
    // A crash while it was stopped would have brought it back from the safety checkpoint.
    expect(journalDuringRestore).toEqual([{ action: 'bring-back', ref: web.id, checkpoint: safety }]);
    expect(w.journalLines()).toEqual([]);
    expect(r).toMatchObject({ checkpoint: 'early', replaced: true, loopbackRepaired: false });
    expect(w.checkpoints.get(web.id)).toEqual(['early']);
    expect(names()).toEqual(['early']);
  });

  it('running and not confirmed: refused before the engine is even asked what it can do', async () => {
    const e = await rejection(svc.restore({ engineId: ENGINE, container: 'web', replaceRunning: false }));
    expect(e.code).toBe('conflict');
    expect(w.steps).toEqual([]);
  });

  it('refused by what the engine was measured to fail: nothing stopped, nothing written down', async () => {
    w.refuse = { op: 'restore', error: new StudioError('unsupported', 'This engine cannot restore it.') };
    const e = await rejection(svc.restore({ engineId: ENGINE, container: 'web', replaceRunning: true }));
    expect(e.code).toBe('unsupported');
    expect(w.steps).toEqual(['capabilities.require restore']);
    expect(web.status).toBe('running');
    expect(w.journalLines()).toEqual([]);
  });

  it('fails: back from the safety checkpoint, which goes; the checkpoint stays intact', async () => {
    w.failures.set('backend.restore', (name) => (name === 'early' ? new Error('pages missing') : undefined));
    const e = await rejection(
      svc.restore({ engineId: ENGINE, container: 'web', checkpoint: 'early', replaceRunning: true }),
    );
    const safety = w.steps[1]!.replace('backend.create ', '');
    expect(w.steps).toEqual([
      'capabilities.require restore',
      `backend.create ${safety}`,
      'backend.restore early',
      `backend.restore ${safety}`,
      `backend.remove ${safety}`,
    ]);
    expect(e.code).toBe('criu-failed');
    expect(e.message).toMatch(
      /The checkpoint is intact; web is running again, from the state it had just before\.$/,
    );
    expect(web.status).toBe('running');
    expect(w.checkpoints.get(web.id)).toEqual(['early']);
    expect(names()).toEqual(['early']);
    expect(w.journalLines()).toEqual([]);
    expect(w.operations().at(-1)).toEqual({
      kind: 'restore',
      ok: 0,
      error_code: 'criu-failed',
      checkpoint_name: 'early',
    });
  });

  it('fails where nothing of its kind restores: started again, its state kept as a checkpoint', async () => {
    w.failures.set('backend.restore', () => new Error('bind-mount /proc/0/ns/net'));
    const e = await rejection(
      svc.restore({ engineId: ENGINE, container: 'web', checkpoint: 'early', replaceRunning: true }),
    );
    const safety = w.steps[1]!.replace('backend.create ', '');
    expect(w.steps.slice(2)).toEqual([
      'backend.restore early',
      `backend.restore ${safety}`,
      `engine.start ${web.id}`,
    ]);
    expect(e.message).toMatch(
      /web was started again \(fresh: it could not be restored\)\. Its state from just before is kept as checkpoint "before-restore-/,
    );
    expect(web.status).toBe('running');
    const kept = w.catalog.get(ENGINE, web.id, safety);
    expect(kept?.note).toMatch(/^Safety checkpoint/);
    expect(w.checkpoints.get(web.id)).toEqual(['early', safety]);
  });

  it('a state CRIU cannot save: stopped plainly, and started again when the restore fails', async () => {
    w.failures.set('backend.create', () => dumpFailure());
    w.failures.set('backend.restore', () => new Error('no'));
    const e = await rejection(
      svc.restore({ engineId: ENGINE, container: 'web', checkpoint: 'early', replaceRunning: true }),
    );
    expect(w.steps.slice(2)).toEqual([
      `engine.stop ${web.id}`,
      'backend.restore early',
      `engine.start ${web.id}`,
    ]);
    expect(e.message).toMatch(/web was started again \(fresh: it could not be restored\)\.$/);
    expect(w.checkpoints.get(web.id)).toEqual(['early']);
    expect(names()).toEqual(['early']);
  });

  it('cancelled while it was being saved: brought back, nothing restored', async () => {
    w.after.set('backend.create', () => w.cancellation.cancel('op1'));
    const e = await rejection(
      svc.restore({ engineId: ENGINE, container: 'web', replaceRunning: true, opId: 'op1' }),
    );
    const safety = w.steps[1]!.replace('backend.create ', '');
    expect(w.steps.slice(2)).toEqual([`backend.restore ${safety}`, `backend.remove ${safety}`]);
    expect(e.code).toBe('cancelled');
    expect(e.message).toMatch(/was cancelled\. web is running again/);
    expect(w.journalLines()).toEqual([]);
  });

  it('a stopped container, no name given: the newest checkpoint, nothing saved first', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 60_000);
    try {
      await svc.create({ engineId: ENGINE, container: 'web', name: 'later', leaveRunning: false });
    } finally {
      vi.useRealTimers();
    }
    w.steps.length = 0;
    const r = await svc.restore({ engineId: ENGINE, container: 'web', replaceRunning: false });
    expect(w.steps).toEqual(['capabilities.require restore', 'backend.restore later']);
    expect(r).toMatchObject({ checkpoint: 'later', replaced: false });
  });

  it('a name it does not have is refused, naming the ones it has', async () => {
    const e = await rejection(
      svc.restore({ engineId: ENGINE, container: 'web', checkpoint: 'nope', replaceRunning: true }),
    );
    expect(e.code).toBe('not-found');
    expect(e.hint).toBe('Its checkpoints: early.');
    expect(w.steps).toEqual([]);
  });
});

describe('delete', () => {
  it('removes it from the engine and the catalog', async () => {
    await svc.create({ engineId: ENGINE, container: 'web', name: 'a', leaveRunning: true });
    expect(await svc.remove(ENGINE, 'web', 'a')).toBe(true);
    expect(w.steps.at(-1)).toBe('backend.remove a');
    expect(names()).toEqual([]);
  });

  it('one already gone from the engine is forgotten; one never known is not-found', async () => {
    await svc.create({ engineId: ENGINE, container: 'web', name: 'a', leaveRunning: true });
    w.checkpoints.set(web.id, []);
    expect(await svc.remove(ENGINE, 'web', 'a')).toBe(true);
    expect(names()).toEqual([]);
    expect((await rejection(svc.remove(ENGINE, 'web', 'b'))).code).toBe('not-found');
    expect(w.steps).toEqual(['backend.create a (leave running)']);
  });

  it('of a container that is gone: its rows can still be cleared', async () => {
    await svc.create({ engineId: ENGINE, container: 'web', name: 'a', leaveRunning: true });
    w.containers.delete(web.id);
    expect(await svc.remove(ENGINE, 'web', 'a')).toBe(true);
    expect(w.catalog.list(ENGINE)).toEqual([]);
  });
});

describe('list', () => {
  it('checkpoints made outside the app appear; ones deleted outside are marked missing', async () => {
    await svc.create({ engineId: ENGINE, container: 'web', name: 'mine', leaveRunning: true });
    w.checkpoints.set(web.id, ['theirs']);
    const rows = await svc.list(ENGINE, 'web');
    expect(rows.map((r) => [r.name, r.status, r.origin])).toEqual(
      expect.arrayContaining([
        ['mine', 'missing', 'manual'],
        ['theirs', 'present', 'external'],
      ]),
    );
  });
});
