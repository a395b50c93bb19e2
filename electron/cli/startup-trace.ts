// CHECKPOINT_STUDIO_TRACE_STARTUP=1: says on stderr how long after the process started the first
// request went to the engine, and when the command was done — what the start-up target of issue 17
// is measured on (bench/cli-startup-bench.ts reads these lines). Every engine request is an HTTP
// request (docker-modem, over a unix socket, TCP or an SSH channel), so Node's own diagnostics
// channel sees the first one without the engine code knowing about tracing.
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/** performance.now() counts from the process's start, so these are ms since `node` was run. */
const since = () => performance.now().toFixed(1);

export function traceStartup(err: (line: string) => void): { done(): void } {
  const channel = 'http.client.request.start';
  const onRequest = (message: unknown) => {
    diagnostics.unsubscribe(channel, onRequest);
    const request = (message as { request: ClientRequest }).request;
    const what = `${request.method} ${request.path.split('?')[0]}`;
    // 'finish': the whole request has been handed to the socket.
    request.once('finish', () => err(`startup: first engine request (${what}) written at ${since()} ms`));
  };
  diagnostics.subscribe(channel, onRequest);
  err(`startup: command line read at ${since()} ms`);
  return { done: () => err(`startup: command done at ${since()} ms`) };
}
