// The engine streams events as JSON objects separated by newlines, split across chunks at random.
import type { Readable } from 'node:stream';

/** Bound on one line: an event is a few hundred bytes; anything huge is a broken stream. */
const MAX_LINE = 1024 * 1024;

export async function* readJsonLines(stream: Readable, signal?: AbortSignal): AsyncGenerator<unknown> {
  let buffered = '';
  const onAbort = () => stream.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream) {
      buffered += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) yield JSON.parse(line) as unknown;
      }
      if (buffered.length > MAX_LINE) throw new Error('event stream line too long');
    }
    const rest = buffered.trim();
    if (rest) yield JSON.parse(rest) as unknown;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
