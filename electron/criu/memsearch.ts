// Finds a string or a regular expression in the dumped memory of a checkpoint's processes. The
// pages files are streamed once, each byte mapped back to its virtual address through the
// pagemap, so memory use stays flat whatever the checkpoint's size. A checkpoint holds whatever
// the process held, secrets included: hits are shown to the user, never logged.
import { RE2JS } from 're2js';
import type { MemHitT, MemSearchResultT, MemoryAreaT } from '../ipc/contract';
import { pagesFile } from './image-names';
import { PAGE_SIZE } from './criu-tables';
import { inspectWithLayout } from './inspect';
import type { PageLayout } from './memory';
import type { CheckpointSource } from './sources';

export interface MemSearchOptions {
  pattern: string;
  regex: boolean;
  pid?: number | undefined;
  maxHits: number;
  /** Stop after this long and say the result is partial. */
  budgetMs?: number;
  /** Stop when asked (Ctrl+C, the app closing), reading no further. */
  signal?: AbortSignal;
}

/** Context kept between chunks: long enough for a hexdump around a hit and for regex matches. */
const CARRY = 512;
const CONTEXT = 32;
/** Regex matches longer than this are cut at chunk edges. */
export const MAX_REGEX_MATCH = CARRY - CONTEXT * 2;

export function hexdump(bytes: Buffer, baseAddress: bigint): string[] {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.subarray(i, i + 16);
    const hexes = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${(baseAddress + BigInt(i)).toString(16).padStart(12, '0')}  ${hexes.padEnd(47)}  ${ascii}`);
  }
  return lines;
}

function compile(o: MemSearchOptions): (hay: Buffer, from: number) => { at: number; length: number }[] {
  if (!o.regex) {
    const needle = Buffer.from(o.pattern, 'utf8');
    return (hay, from) => {
      const out: { at: number; length: number }[] = [];
      for (let i = hay.indexOf(needle, from); i >= 0; i = hay.indexOf(needle, i + 1))
        out.push({ at: i, length: needle.length });
      return out;
    };
  }
  // RE2's matcher runs in time linear in the text, whatever the pattern: a pattern like
  // a(a+)+b cannot stall the app (JavaScript's own backtracking engine would, for minutes).
  let re: RE2JS;
  try {
    re = RE2JS.compile(o.pattern);
  } catch (e) {
    throw new Error(
      `not a regular expression this search can run: ${(e as Error).message} (RE2 syntax: no backreferences or look-arounds)`,
    );
  }
  if (re.matches('')) {
    throw new Error(
      'this pattern matches empty text, so it would match everywhere: make it match at least one character',
    );
  }
  return (hay, from) => {
    // latin1 keeps one character per byte, so string offsets are byte offsets.
    const m = re.matcher(hay.toString('latin1'));
    const out: { at: number; length: number }[] = [];
    for (let at = from; m.find(at); at = m.end() > m.start() ? m.end() : m.start() + 1) {
      out.push({ at: m.start(), length: Math.min(m.end() - m.start(), MAX_REGEX_MATCH) });
    }
    return out;
  };
}

function areaOf(memory: MemoryAreaT[], pid: number, addr: bigint): string {
  const a = memory.find((m) => m.pid === pid && BigInt(m.start) <= addr && addr < BigInt(m.end));
  if (!a) return 'unknown area';
  const what = a.kind === 'file' ? (a.path ?? 'file') : a.kind;
  return `${what} ${a.start}-${a.end} ${a.prot}`;
}

export async function searchMemory(source: CheckpointSource, o: MemSearchOptions): Promise<MemSearchResultT> {
  if (o.pattern.length === 0) throw new Error('a pattern is needed: the empty one would match everywhere');
  if (!o.regex && Buffer.byteLength(o.pattern) > MAX_REGEX_MATCH) {
    throw new Error(`the pattern is longer than ${MAX_REGEX_MATCH} bytes`);
  }
  const { inspection, layout } = await inspectWithLayout(source);
  const targets = layout.filter((l) => o.pid === undefined || l.pid === o.pid);
  if (o.pid !== undefined && targets.length === 0) {
    throw new Error(
      `process ${o.pid} is not in this checkpoint (its processes: ${inspection.processes.map((p) => p.pid).join(', ')})`,
    );
  }
  const byPagesFile = new Map<string, PageLayout>(targets.map((l) => [pagesFile(l.pagesId), l]));
  const find = compile(o);
  const hits: MemHitT[] = [];
  const deadline = Date.now() + (o.budgetMs ?? 20_000);
  let scanned = 0;
  let truncated = false;

  const scanRun = (l: PageLayout, vaddr: bigint, buf: Buffer, from: number, final: boolean): number => {
    // Hits starting in the last CARRY bytes are found next time, with their context complete.
    const limit = final ? buf.length : buf.length - CARRY;
    for (const h of find(buf, from)) {
      if (h.at >= limit) break;
      if (hits.length >= o.maxHits) {
        truncated = true;
        break;
      }
      const start = Math.max(0, h.at - CONTEXT) & ~15;
      const ctx = buf.subarray(start, Math.min(buf.length, h.at + h.length + CONTEXT));
      const address = vaddr + BigInt(h.at);
      hits.push({
        pid: l.pid,
        address: `0x${address.toString(16)}`,
        area: areaOf(inspection.memory, l.pid, address),
        match: buf
          .subarray(h.at, h.at + Math.min(h.length, 120))
          .toString('latin1')
          .replace(/[^\x20-\x7e]/g, '.'),
        hexdump: hexdump(ctx, vaddr + BigInt(start)),
      });
    }
    return Math.max(from, limit);
  };

  for await (const entry of source.open()) {
    // Done (enough hits, or out of time): stop reading the source, which also lets it close.
    if (truncated) break;
    const l = byPagesFile.get(entry.name);
    if (!l) continue;
    let run = 0;
    let runOffset = 0; // bytes of the current run already consumed
    let window = Buffer.alloc(0); // the current run's bytes not yet dropped
    let windowVaddr = l.runs[0]?.vaddr ?? 0n;
    let searchedTo = 0;
    for await (const chunk of entry.chunks()) {
      let pos = 0;
      while (pos < chunk.length && run < l.runs.length) {
        const r = l.runs[run]!;
        const runBytes = r.pages * PAGE_SIZE;
        const take = Math.min(chunk.length - pos, runBytes - runOffset);
        window = Buffer.concat([window, chunk.subarray(pos, pos + take)]);
        pos += take;
        runOffset += take;
        scanned += take;
        const final = runOffset === runBytes;
        searchedTo = scanRun(l, windowVaddr, window, searchedTo, final);
        if (final) {
          run++;
          runOffset = 0;
          window = Buffer.alloc(0);
          windowVaddr = l.runs[run]?.vaddr ?? 0n;
          searchedTo = 0;
        } else if (window.length > CARRY * 2) {
          const drop = window.length - CARRY;
          window = window.subarray(drop);
          windowVaddr += BigInt(drop);
          searchedTo = Math.max(0, searchedTo - drop);
        }
        if (truncated || Date.now() > deadline || o.signal?.aborted) {
          truncated = true;
          break;
        }
      }
      if (truncated) break;
    }
  }
  return { hits, scannedBytes: scanned, truncated };
}
