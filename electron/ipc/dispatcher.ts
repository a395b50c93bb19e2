// The single entry for every call from any host (Electron IPC, browser mode, CLI): check the name,
// parse the arguments with the contract's schema, run the handler, and answer with an envelope.
// No handler ever sees unvalidated input.
import { z } from 'zod';
import { calls, type CallName, type CallResult, type ParsedArgs } from './contract';
import { isCallName } from './contract-names';
import { StudioError, toErrorInfo, type Envelope } from './errors';

export type Handlers = { [N in CallName]: (args: ParsedArgs<N>) => Promise<CallResult<N>> };

/** Bound for any string an argument may carry, before the schema even looks at it. */
const MAX_ARG_BYTES = 64 * 1024;

export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.join('.') : 'arguments';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

export interface Dispatcher {
  dispatch(name: unknown, args: unknown): Promise<Envelope<unknown>>;
}

export function createDispatcher(handlers: Handlers): Dispatcher {
  async function run(name: unknown, rawArgs: unknown): Promise<unknown> {
    if (!isCallName(name)) {
      throw new StudioError('invalid-argument', `unknown call ${JSON.stringify(String(name).slice(0, 64))}`);
    }
    const size = rawArgs === undefined ? 0 : (JSON.stringify(rawArgs)?.length ?? 0);
    if (size > MAX_ARG_BYTES) {
      throw new StudioError('invalid-argument', `${name}: arguments too large (${size} bytes)`);
    }
    const parsed = calls[name].args.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      throw new StudioError('invalid-argument', `${name}: ${describeZodError(parsed.error)}`);
    }
    const handler = handlers[name] as (args: unknown) => Promise<unknown>;
    return handler(parsed.data);
  }

  return {
    async dispatch(name, args) {
      try {
        return { ok: true, value: await run(name, args) };
      } catch (e) {
        return { ok: false, error: toErrorInfo(e) };
      }
    },
  };
}

/** Throws the envelope's error as a StudioError; used by clients of any transport. */
export function unwrap<N extends CallName>(envelope: Envelope<unknown>): CallResult<N> {
  if (envelope.ok) return envelope.value as CallResult<N>;
  throw StudioError.fromInfo(envelope.error);
}
