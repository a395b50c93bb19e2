// The single entry for every call from any host (Electron IPC, browser mode, CLI): check the name,
// parse the arguments with the contract's schema, run the handler, and answer with an envelope.
// No handler ever sees unvalidated input.
import { z } from 'zod';
import { calls, type CallName, type CallResult, type ParsedArgs } from './contract';
import { isCallName } from './contract-names';
import { openEnvelope, StudioError, toErrorInfo, type Envelope } from './errors';

export type Handlers = { [N in CallName]: (args: ParsedArgs<N>) => Promise<CallResult<N>> };

/** Bound for any string an argument may carry, before the schema even looks at it. */
const MAX_ARG_BYTES = 64 * 1024;

/** The contract's field names in the words a person uses (the CLI's flags say the same things). */
const LABELS: Record<string, string> = {
  engineId: 'the engine',
  container: 'the container',
  name: 'the name',
  checkpoint: 'the checkpoint',
  count: 'how many',
  prefix: 'the name prefix',
  ports: 'the ports',
  from: 'the first port',
  to: 'the target',
  everyMs: 'the interval',
  keepLast: 'how many to keep',
  keepHourly: 'how many hourly ones to keep',
  keepDaily: 'how many daily ones to keep',
  budgetBytes: 'the disk budget',
  maxFailures: 'how many failures before pausing',
  host: 'the engine address',
  tlsDir: 'the TLS folder',
  identityFile: 'the identity file',
  hostKey: 'the host key',
  pattern: 'the pattern',
  pid: 'the process id',
  maxHits: 'the most hits',
  tail: 'how many log lines',
  note: 'the note',
  opId: 'the operation id',
  subscriptionId: 'the subscription',
  source: 'the source',
  fileId: 'the file',
  limit: 'how many',
  paused: 'paused or not',
};

/** How messages name a field of the contract. */
export function fieldLabel(field: string): string {
  return LABELS[field] ?? field;
}

const KINDS: Record<string, string> = {
  number: 'a number',
  string: 'text',
  boolean: 'yes or no',
  object: 'a set of options',
  array: 'a list',
};

function sentence(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const expected = String((issue as { expected?: unknown }).expected ?? '');
    return `must be ${KINDS[expected] ?? expected}`;
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys?: string[] }).keys ?? [];
    return `unknown option${keys.length === 1 ? '' : 's'} ${keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return issue.message;
}

/** What is wrong with the arguments, in the user's words: no schema paths, no internal names. */
export function describeZodError(error: z.ZodError): string {
  // One problem per field: "b" is too short, and saying it also breaks the pattern is half false.
  const seen = new Set<string>();
  return error.issues
    .filter((issue) => {
      const key = issue.path.join('.');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((issue) => {
      const field = [...issue.path].reverse().find((p) => typeof p === 'string' && LABELS[p]);
      return field ? `${LABELS[field as string]}: ${sentence(issue)}` : sentence(issue);
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
      throw new StudioError('invalid-argument', `the arguments are too large (${size} bytes)`);
    }
    const parsed = calls[name].args.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      throw new StudioError('invalid-argument', describeZodError(parsed.error));
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
  return openEnvelope(envelope) as CallResult<N>;
}
