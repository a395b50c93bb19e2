// Requests to the Docker Engine API through docker-modem, for routes dockerode does not model
// the way the engine needs (the experimental checkpoint routes, start with a query, raw streams).
import type { IncomingMessage } from 'node:http';
import type Modem from 'docker-modem';

export class EngineHttpError extends Error {
  constructor(
    readonly status: number,
    /** The engine's own message, without docker-modem's decoration. */
    readonly engineMessage: string,
  ) {
    super(`engine answered ${status}: ${engineMessage}`);
    this.name = 'EngineHttpError';
  }
}

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Status codes that mean success. */
  ok: number[];
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Request body as a stream (e.g. a tar for PUT /archive). */
  file?: NodeJS.ReadableStream;
  headers?: Record<string, string>;
}

function cleanQuery(query: RequestOptions['query']): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

function engineMessageOf(err: unknown): { status: number; message: string } | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as { statusCode?: number; json?: unknown; message?: string };
  if (typeof e.statusCode !== 'number') return null;
  let message = '';
  if (e.json && typeof e.json === 'object' && 'message' in e.json) {
    message = String((e.json as { message: unknown }).message);
  } else if (typeof e.json === 'string' && e.json) {
    message = e.json;
  } else if (e.message) {
    // "(HTTP code 404) no such container - No such container: x " → the engine's part
    const m = /^\(HTTP code \d+\) [^-]*- ([\s\S]*)$/.exec(e.message);
    message = (m?.[1] ?? e.message).trim();
    try {
      const parsed = JSON.parse(message) as { message?: string };
      if (parsed.message) message = parsed.message;
    } catch {
      /* plain text */
    }
  }
  return { status: e.statusCode, message: message.trim() };
}

export class DockerHttp {
  constructor(private readonly modem: Modem) {}

  private dial(opts: RequestOptions, isStream: boolean): Promise<unknown> {
    const statusCodes: Record<number, boolean> = {};
    for (const code of opts.ok) statusCodes[code] = true;
    const query = cleanQuery(opts.query);
    const hasQuery = Object.keys(query).length > 0;
    const signals = [opts.signal, opts.timeoutMs ? AbortSignal.timeout(opts.timeoutMs) : undefined].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    const abortSignal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const dialOptions: Modem.DialOptions = {
      path: opts.path + (hasQuery ? '?' : ''),
      method: opts.method,
      // docker-modem sends `_query` as the query string and `_body` as the JSON body. An empty
      // body is left out, which matters: the engine refuses `start` with a body.
      options: { _query: query, _body: opts.body ?? {} },
      statusCodes,
      isStream,
      abortSignal,
    };
    if (opts.file) dialOptions.file = opts.file;
    if (opts.headers) dialOptions.headers = opts.headers;
    return new Promise((resolve, reject) => {
      this.modem.dial(dialOptions, (err, data) => {
        if (err) {
          const engine = engineMessageOf(err);
          if (engine) reject(new EngineHttpError(engine.status, engine.message));
          else reject(err);
          return;
        }
        resolve(data);
      });
    });
  }

  async json<T>(opts: RequestOptions): Promise<T> {
    let data: unknown;
    try {
      data = await this.dial(opts, false);
    } catch (e) {
      // A reused keep-alive connection the engine had just closed (Podman 4.3 does): a read is
      // safe to ask once more; anything that changes state is not.
      const code = (e as NodeJS.ErrnoException)?.code;
      if (opts.method !== 'GET' || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw e;
      data = await this.dial(opts, false);
    }
    // docker-modem hands back the raw buffer when the body parses to a falsy value ("null", "").
    if (Buffer.isBuffer(data)) {
      const text = data.toString('utf8').trim();
      if (!text) return null as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        return text as T;
      }
    }
    return data as T;
  }

  /** The raw response, for streams (events, logs, archives) and for reading headers. */
  async stream(opts: RequestOptions): Promise<IncomingMessage> {
    return (await this.dial(opts, true)) as IncomingMessage;
  }
}
