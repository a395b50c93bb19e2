import { describe, expect, it } from 'vitest';
import { CriuImageError, parseImage } from './image-format';
import { IMG_COMMON_MAGIC, MAGIC } from './image-names';
import { decode } from './schemas';

function image(magic: number, entries: Buffer[], common = true): Buffer {
  const head = Buffer.alloc(common ? 8 : 4);
  if (common) {
    head.writeUInt32LE(IMG_COMMON_MAGIC, 0);
    head.writeUInt32LE(magic, 4);
  } else head.writeUInt32LE(magic, 0);
  return Buffer.concat([head, ...entries.flatMap((e) => [Buffer.from(Uint32Array.of(e.length).buffer), e])]);
}

describe('CRIU image format', () => {
  it('reads the inventory (no common magic) and other images (with it)', () => {
    expect(
      parseImage('inventory.img', image(MAGIC.INVENTORY, [Buffer.from([8, 2])], false)).entries,
    ).toHaveLength(1);
    const p = parseImage(
      'pstree.img',
      image(MAGIC.PSTREE, [Buffer.from([8, 1]), Buffer.from([8, 7, 16, 1])]),
    );
    expect(p.magic).toBe(MAGIC.PSTREE);
    expect(p.entries.map((e) => decode<{ pid: number }>('pstree_entry', e).pid)).toEqual([1, 7]);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), /too short/],
    ['an unknown magic', Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), /unknown magic 0x4030201 at offset 0/],
    [
      'a truncated length',
      Buffer.concat([image(MAGIC.CORE, []), Buffer.from([1, 0])]),
      /truncated entry length at offset 8/,
    ],
    [
      'a length past the end',
      Buffer.concat([image(MAGIC.CORE, []), Buffer.from([100, 0, 0, 0, 1, 2])]),
      /runs past the end.*at offset 8/,
    ],
    [
      'an absurd length',
      Buffer.concat([image(MAGIC.CORE, []), Buffer.from([0xff, 0xff, 0xff, 0xff])]),
      /absurd at offset 8/,
    ],
  ])('refuses %s, naming file and offset', (_w, buf, msg) => {
    expect(() => parseImage('core-1.img', buf)).toThrow(CriuImageError);
    expect(() => parseImage('core-1.img', buf)).toThrow(msg);
    expect(() => parseImage('core-1.img', buf)).toThrow(/^core-1\.img: /);
  });

  it('bounds the number of entries', () => {
    const many = image(
      MAGIC.PAGEMAP,
      Array.from({ length: 20 }, () => Buffer.alloc(0)),
    );
    expect(() => parseImage('pagemap-1.img', many, 10)).toThrow(/more than 10 entries/);
  });

  it('a protobuf entry of deeply nested groups is an error, not a crash', () => {
    expect(() => decode('core_entry', Buffer.alloc(100_000, 0x0b))).toThrow();
  });
});
