import { beforeEach, describe, expect, it } from 'vitest';
import { StudioError } from '../ipc/errors';
import { FakeWorld, type FakeContainer } from './migration-fakes';
import { MigrationService, type MigrateOptions } from './migration-service';

let w: FakeWorld;
let web: FakeContainer;

beforeEach(() => {
  w = new FakeWorld();
  web = w.a.add('web');
  w.a.images.set('sha256:app', ['app:1']);
  w.b.images.set('sha256:app', ['app:1']);
});

const service = () => new MigrationService(w.engines, w.checkpoints, w.catalog, w.bus, {}, w.engine);
const migrate = (o: Partial<MigrateOptions> = {}) =>
  service().run({ engineId: 'A', container: 'web', to: 'B', keepSource: false, opId: 'op1', ...o });
const failure = (o: Partial<MigrateOptions> = {}) =>
  migrate(o).then(
    () => expect.fail('the migration went through'),
    (e: unknown) => {
      expect(e).toBeInstanceOf(StudioError);
      return e as StudioError;
    },
  );
const onB = () => [...w.b.containers.values()];
const stageStates = () => {
  const last = w.progress.at(-1) as { done: boolean; stages: { name: string; state: string }[] };
  expect(last.done).toBe(true);
  return Object.fromEntries(last.stages.map((s) => [s.name, s.state]));
};
const openJournal = () => [...w.journal.ops.values()];

describe('a migration that goes through', () => {
  it('creates on the target, checkpoints, carries, restores and confirms, and only then removes the source', async () => {
    const res = await migrate();
    expect(w.calls).toEqual([
      'B:createLike web',
      expect.stringMatching(/^A:checkpoint migrate-\d+$/),
      'B:carryFiles',
      expect.stringMatching(/^B:carryCheckpoint migrate-/),
      expect.stringMatching(/^A:exportTar migrate-/),
      expect.stringMatching(/^B:startFromCheckpoint migrate-/),
      'B:confirmRunning',
      expect.stringMatching(/^B:deleteCheckpoint migrate-/),
      'A:removeContainer',
    ]);
    const moved = onB()[0]!;
    expect(res).toMatchObject({ ok: true, targetEngineId: 'B', targetContainerId: moved.id });
    expect(moved).toMatchObject({ name: 'web', running: true });
    expect(moved.checkpoints.size).toBe(0);
    expect(w.a.find('web')).toBeNull();
    expect(res.stages.map((s) => [s.name, s.state])).toEqual([
      ['check', 'done'],
      ['image', 'skipped'],
      ['create', 'done'],
      ['checkpoint', 'done'],
      ['files', 'done'],
      ['transfer', 'done'],
      ['restore', 'done'],
      ['verify', 'done'],
      ['finish', 'done'],
    ]);
    expect(res.stages.find((s) => s.name === 'files')).toMatchObject({
      bytes: 10,
      detail: '1 changed path carried',
    });
    expect(res.stages.find((s) => s.name === 'transfer')!.bytes).toBe(0);
    expect(openJournal()).toEqual([]);
    expect(w.logged).toMatchObject([{ kind: 'migrate', ok: true, engineId: 'A', containerId: web.id }]);
  });

  it('keeps the source, stopped, with its checkpoint gone, when asked', async () => {
    await migrate({ keepSource: true });
    expect(w.calls).not.toContain('A:removeContainer');
    expect(w.a.find('web')).toMatchObject({ running: false });
    expect(onB()[0]).toMatchObject({ running: true });
  });

  it('streams the image over first when the target lacks it', async () => {
    w.b.images.clear();
    const res = await migrate();
    expect(w.calls.slice(0, 3)).toEqual(['A:saveImage app:1', 'B:loadImage', 'B:createLike web']);
    expect(res.stages.find((s) => s.name === 'image')).toMatchObject({ state: 'done', bytes: 1000 });
    expect(w.b.images.get('sha256:app')).toEqual(['app:1']);
  });
});

describe('refused before anything is stopped', () => {
  it('when the name is taken on the target', async () => {
    w.b.add('web', 'sha256:other');
    const err = await failure();
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/already has a container named web/);
    expect(w.calls).toEqual([]);
    expect(web.running).toBe(true);
    expect(w.journal.ops.size).toBe(0);
    expect(stageStates()).toMatchObject({ check: 'failed', create: 'pending', checkpoint: 'pending' });
  });

  it('when the target has measured that it cannot restore such a container', async () => {
    w.cannotRestore = 'restoring containers on a bridge network fails on B.';
    const err = await failure();
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/B cannot restore it: restoring containers on a bridge network fails on B/);
    expect(err.message).not.toMatch(/Nothing was stopped or created/);
    expect(w.calls).toEqual([]);
    expect(web.running).toBe(true);
    expect(onB()).toEqual([]);
  });

  it('when the source is not running', async () => {
    web.running = false;
    expect((await failure()).message).toMatch(/web is not running/);
    expect(w.calls).toEqual([]);
  });
});

describe('a failure brings the source back and leaves nothing on the target', () => {
  it('a restore failing on the target: the copy stopped, the source restored from its checkpoint, the copy removed', async () => {
    w.failing.set('B:startFromCheckpoint', new Error('CRIU restore failed on B'));
    const err = await failure();
    expect(err.message).toMatch(/web is running again on A; nothing was left on B\./);
    const at = w.calls.indexOf(w.calls.find((c) => c.startsWith('B:startFromCheckpoint'))!);
    expect(w.calls.slice(at + 1)).toEqual([
      'B:kill',
      expect.stringMatching(/^A:startFromCheckpoint migrate-/),
      expect.stringMatching(/^A:deleteCheckpoint migrate-/),
      'B:removeContainer',
    ]);
    expect(w.a.find('web')).toMatchObject({ id: web.id, running: true });
    expect(web.checkpoints.size).toBe(0);
    expect(onB()).toEqual([]);
    expect(w.calls).not.toContain('A:removeContainer');
    expect(openJournal()).toEqual([]);
    expect(w.journal.recovery.size).toBe(0);
    expect(stageStates()).toMatchObject({
      transfer: 'done',
      restore: 'failed',
      verify: 'pending',
      finish: 'pending',
    });
    expect(w.logged.at(-1)).toMatchObject({ ok: false, errorMessage: err.message });
  });

  it('a copy that does not run is not confirmed: the source is never removed', async () => {
    w.engine.confirmRunning = async (conn) => {
      w.calls.push(`${conn.spec.id}:confirmRunning`);
      return { ok: false, why: 'it exited (code 139)' };
    };
    const err = await failure();
    expect(err.details).toEqual(['it exited (code 139) on B']);
    expect(w.calls).not.toContain('A:removeContainer');
    expect(w.calls.slice(-4)).toEqual([
      'B:kill',
      expect.stringMatching(/^A:startFromCheckpoint/),
      expect.stringMatching(/^A:deleteCheckpoint/),
      'B:removeContainer',
    ]);
    expect(web.running).toBe(true);
    expect(onB()).toEqual([]);
  });

  it('a create that failed on the wire but made the container: found by its name and removed, the source never stopped', async () => {
    // A create that failed on the wire may have made the container anyway.
    w.engine.createLike = async (target, source) => {
      w.calls.push('B:createLike');
      w.b.add(source.name, source.imageId, false);
      throw new Error('socket hang up');
    };
    const err = await failure();
    expect(err.message).toMatch(/nothing was left on B/);
    expect(w.calls).toEqual(['B:createLike', 'B:removeContainer']);
    expect(web.running).toBe(true);
    expect(onB()).toEqual([]);
  });

  it('a loaded image is removed again, and the name it took is given back', async () => {
    w.b.images.clear();
    w.b.images.set('sha256:old', ['app:1']);
    w.failing.set('createLike', new Error('no space left on device'));
    await failure();
    expect(w.calls).toEqual([
      'A:saveImage app:1',
      'B:loadImage',
      'B:createLike web',
      'B:removeImage',
      'B:tagImage app:1',
    ]);
    expect([...w.b.images]).toEqual([['sha256:old', ['app:1']]]);
  });

  it('a source that cannot take its checkpoint back is started fresh, its checkpoint kept in the catalog', async () => {
    // The target's restore fails, and so does the source's.
    w.failing.set('startFromCheckpoint', new Error('CRIU restore failed'));
    const err = await failure();
    expect(w.calls.slice(-4)).toEqual([
      'B:kill',
      expect.stringMatching(/^A:startFromCheckpoint migrate-/),
      'A:start',
      'B:removeContainer',
    ]);
    expect(web.running).toBe(true);
    expect(w.kept).toHaveLength(1);
    const kept = w.kept[0]!;
    expect(web.checkpoints.has(kept.name)).toBe(true);
    expect(err.message).toContain(
      `web was started again on A, fresh: that engine could not restore its checkpoint, which is kept there as "${kept.name}"`,
    );
  });

  it('a target that stops answering: the source runs again, the copy waits in the journal for recovery', async () => {
    w.before.set('B:startFromCheckpoint', () => (w.b.answers = false));
    const err = await failure();
    expect(err.message).toMatch(
      /web is running again on A; the half-made copy on B could not be removed yet/,
    );
    expect(web.running).toBe(true);
    expect(w.journal.recovery.size).toBe(1);
    // The source's line is dropped (it runs); the copy's stays, by its id.
    expect(openJournal()[0]!.lines.size).toBe(1);
    expect([...openJournal()[0]!.lines.values()][0]).toMatch(/^B:remove-container B-/);
  });

  it('a cancel between stages is undone like a failure and said so', async () => {
    w.before.set('createLike', () => w.cancellation.cancel('op1'));
    const err = await failure();
    expect(err.code).toBe('cancelled');
    expect(err.message).toMatch(
      /^Migration of web was cancelled\. web is running again on A; nothing was left on B\.$/,
    );
    expect(w.calls).toEqual(['B:createLike web', 'B:removeContainer']);
    expect(web).toMatchObject({ running: true });
    expect(web.checkpoints.size).toBe(0);
    expect(stageStates()).toMatchObject({ create: 'done', checkpoint: 'failed' });
  });
});
