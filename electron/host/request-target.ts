// What a request asks for, parsed without ever throwing: browser mode must answer a malformed
// request line with 400, never fall over (one `GET //` used to end the process). Paths are
// normalised (one slash between segments), so routing and anything built from a path cannot be
// turned into a protocol-relative URL.

export interface RequestTarget {
  /** The path, with runs of "/" folded into one; still percent-encoded. */
  pathname: string;
  query: URLSearchParams;
}

const MAX_TARGET = 8192;
/** Control characters and spaces never belong in a request target. */
function hasForbidden(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}

export function parseTarget(raw: string | undefined): RequestTarget | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_TARGET) return null;
  if (!raw.startsWith('/') || hasForbidden(raw)) return null;
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const search = q < 0 ? '' : raw.slice(q + 1);
  const pathname = path.replace(/\/{2,}/g, '/');
  if (safeDecode(pathname) === null) return null;
  return { pathname, query: new URLSearchParams(search) };
}

/** decodeURIComponent, or null where the escapes are malformed (it throws there). */
export function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/**
 * How deep a JSON text nests, counted without parsing it (parsing 100 000 brackets deep is already
 * the attack); strings are skipped so brackets inside them do not count.
 */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** `application/json`, optionally with parameters (`; charset=utf-8`), and nothing else. */
export function isJsonContentType(header: string | undefined): boolean {
  return typeof header === 'string' && /^application\/json\s*(;|$)/i.test(header.trim());
}
