import { describe, expect, it } from 'vitest';
import { openCatalogDb } from './catalog-db';
import { Journal, ownerHere } from './journal';

describe('operation journal', () => {
  it("a live process's lines are never touched; a gone one's are handed out, and cleared", () => {
    const db = openCatalogDb(':memory:');
    const mine = new Journal(db);
    const gone = new Journal(db, ownerHere(2 ** 22 + 12345)); // no such pid
    const a = mine.begin('clone', 'mine');
    mine.add(a, { engineId: 'e', action: 'remove-container', ref: 'c-1', label: 'clone c-1' });
    const b = gone.begin('migration', 'gone');
    const line = gone.add(b, {
      engineId: 'e',
      action: 'bring-back',
      ref: 'src',
      checkpoint: 'cp',
      label: 'src',
    });
    gone.add(b, { engineId: 'other', action: 'remove-container', ref: 'x', label: 'x' });
    expect(mine.orphaned('e').map((e) => [e.ref, e.action, e.checkpoint, e.kind])).toEqual([
      ['src', 'bring-back', 'cp', 'migration'],
    ]);
    mine.drop(line);
    mine.dropFinished();
    // The gone op still has a line on another engine: it stays until that engine is seen.
    expect(mine.orphaned('other').map((e) => e.ref)).toEqual(['x']);
    expect(mine.orphaned('e')).toEqual([]);
    mine.end(a);
    expect(db.prepare('SELECT COUNT(*) AS n FROM journal_entries WHERE op_id = ?').get(a)).toEqual({ n: 0 });
  });

  it('a line learns the id once the engine gave it', () => {
    const db = openCatalogDb(':memory:');
    const gone = new Journal(db, ownerHere(2 ** 22 + 12346));
    const op = gone.begin('clone', 'x');
    const l = gone.add(op, { engineId: 'e', action: 'remove-container', ref: 'name', label: 'n' });
    gone.setRef(l, 'abc123');
    expect(new Journal(db).orphaned('e')[0]?.ref).toBe('abc123');
  });

  it('an operation taken over is put right on every engine by the one who took it, and only by it', () => {
    const db = openCatalogDb(':memory:');
    const gone = new Journal(db, ownerHere(2 ** 22 + 12347));
    const op = gone.begin('migration', 'a → b');
    gone.add(op, { engineId: 'a', action: 'bring-back', ref: 'src', checkpoint: 'cp', label: 'src' });
    gone.add(op, { engineId: 'b', action: 'remove-container', ref: 'dst', label: 'dst' });
    const app = new Journal(db);
    const cli = new Journal(db, ownerHere(process.ppid));
    const [line] = app.orphaned('a');
    expect(app.claim(op, line!.owner)).toBe(true);
    expect(cli.claim(op, line!.owner)).toBe(false);
    // The owner is now a live process (this one): only the taker still sees the op's other lines.
    expect(app.orphaned('b').map((e) => e.ref)).toEqual(['dst']);
    expect(cli.orphaned('b')).toEqual([]);
    expect(app.claim(op, app.orphaned('b')[0]!.owner)).toBe(true);
  });
});
