import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LayerCache } from './layer-cache';

let cache: LayerCache;
afterEach(() => cache.dispose());

const writer = (reads: string[]) => async (dir: string) => {
  reads.push(dir);
  const file = path.join(dir, 'layer.tar');
  fs.writeFileSync(file, 'x');
  return file;
};

describe('the inspector’s layers', () => {
  it('reads a layer once while it is among the last few, and removes the least recently used', async () => {
    cache = new LayerCache(2);
    const reads: string[] = [];
    const a = await cache.get('a', writer(reads));
    await cache.get('b', writer(reads));
    expect(await cache.get('a', writer(reads))).toBe(a);
    expect(reads).toHaveLength(2);
    // a was used last: b goes when c comes.
    const b = reads[1]!;
    await cache.get('c', writer(reads));
    await new Promise((r) => setImmediate(r));
    expect(fs.existsSync(b)).toBe(false);
    expect(fs.existsSync(a)).toBe(true);
    await cache.get('b', writer(reads));
    expect(reads).toHaveLength(4);
  });

  it('forgets a read that failed, and its folder', async () => {
    cache = new LayerCache();
    let dir = '';
    await expect(
      cache.get('a', async (d) => {
        dir = d;
        throw new Error('gone');
      }),
    ).rejects.toThrow('gone');
    expect(fs.existsSync(dir)).toBe(false);
    const reads: string[] = [];
    await cache.get('a', writer(reads));
    expect(reads).toHaveLength(1);
  });

  it('dispose removes every layer', async () => {
    cache = new LayerCache();
    const f = await cache.get('a', writer([]));
    cache.dispose();
    expect(fs.existsSync(f)).toBe(false);
  });
});
