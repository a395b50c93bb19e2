import { PassThrough } from 'node:stream';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { append, tarBody } from './tar-splice';

async function tarOf(entries: [string, Buffer][]): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, body] of entries) pack.entry({ name }, body);
  pack.finalize();
  const parts: Buffer[] = [];
  for await (const c of pack) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Yields the buffer in awkward slices, as a socket would. */
async function* sliced(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

describe('tar streams spliced into one archive', () => {
  it('keeps every entry of every part, and files that end in zeros whole', async () => {
    const zeros = Buffer.concat([Buffer.from('pages'), Buffer.alloc(5000)]);
    const big = Buffer.alloc(70_000, 7);
    const a = await tarOf([
      ['note.json', Buffer.from('{}')],
      ['checkpoint/pages-1.img', zeros],
    ]);
    const b = await tarOf([['checkpoint/core-1.img', big]]);
    const c = await tarOf([['rootfs-diff.tar', Buffer.from('diff')]]);
    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on('data', (d: Buffer) => parts.push(d));
    await append(out, tarBody(sliced(a, 333)));
    await append(out, tarBody(sliced(b, 4096)));
    await append(out, sliced(c, 100));
    out.end();
    const extract = tar.extract();
    const seen: Record<string, Buffer> = {};
    const done = (async () => {
      for await (const e of extract) {
        const chunks: Buffer[] = [];
        for await (const x of e) chunks.push(x as Buffer);
        seen[e.header.name] = Buffer.concat(chunks);
      }
    })();
    extract.end(Buffer.concat(parts));
    await done;
    expect(Object.keys(seen)).toEqual([
      'note.json',
      'checkpoint/pages-1.img',
      'checkpoint/core-1.img',
      'rootfs-diff.tar',
    ]);
    expect(seen['checkpoint/pages-1.img']!.equals(zeros)).toBe(true);
    expect(seen['checkpoint/core-1.img']!.equals(big)).toBe(true);
  });

  it('refuses a part cut short', async () => {
    const a = await tarOf([['x', Buffer.alloc(2000, 1)]]);
    const cut = a.subarray(0, 1024);
    const drain = async () => {
      for await (const _ of tarBody(sliced(cut, 100))) void _;
    };
    await expect(drain()).rejects.toThrow(/without its end-of-archive marker/);
  });
});
