import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../ipc/errors';
import { FileRegistry, MAX_UPLOADS, sweepAbandoned } from './file-registry';

const root = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cs-uploads-'));

describe('uploads', () => {
  it('are bounded in number: the oldest is let go, and says so when asked for', async () => {
    const r = new FileRegistry(root());
    const ids: string[] = [];
    for (let i = 0; i < MAX_UPLOADS + 3; i++)
      ids.push((await r.upload(Readable.from([Buffer.from(`f${i}`)]), `f${i}.tar`)).id);
    const open = ids.filter((id) => {
      try {
        return fs.existsSync(r.get(id).path);
      } catch {
        return false;
      }
    });
    expect(open.length).toBeLessThanOrEqual(MAX_UPLOADS);
    expect(open).toContain(ids.at(-1));
    expect(() => r.get(ids[0]!)).toThrow(StudioError);
    r.dispose();
  });

  it("a dead app's uploads are swept at the next start; a live one's are left alone", () => {
    const dir = root();
    const dead = path.join(dir, '999999999-abcd');
    const mine = path.join(dir, `${process.pid}-abcd`);
    for (const d of [dead, mine]) {
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, 'x.tar'), 'x');
    }
    fs.writeFileSync(path.join(dir, 'old-layout.tar'), 'x');
    expect(sweepAbandoned(dir)).toBe(2);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'old-layout.tar'))).toBe(false);
    expect(fs.existsSync(mine)).toBe(true);
  });

  it('leave nothing behind when the app closes', async () => {
    const dir = root();
    const r = new FileRegistry(dir);
    await r.upload(Readable.from([Buffer.from('x')]), 'a.tar');
    r.dispose();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
