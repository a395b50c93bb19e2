// Errors that cross the IPC boundary. Every failure a user can see carries a stable code (for
// scripts and tests), a sentence saying what happened, and when we know it, what to do about it.

export type ErrorCode =
  | 'invalid-argument'
  | 'not-found'
  | 'conflict'
  | 'engine-unreachable'
  | 'experimental-off'
  | 'unsupported'
  | 'criu-failed'
  | 'cancelled'
  | 'unauthorized'
  | 'internal';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** What the user can do about it, in one sentence. */
  hint?: string;
  /** Supporting lines, e.g. the relevant lines of CRIU's log. */
  details?: string[];
}

export class StudioError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly details?: string[];

  constructor(
    code: ErrorCode,
    message: string,
    extra: { hint?: string; details?: string[]; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'StudioError';
    this.code = code;
    if (extra.hint !== undefined) this.hint = extra.hint;
    if (extra.details !== undefined) this.details = extra.details;
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.hint) info.hint = this.hint;
    if (this.details?.length) info.details = this.details;
    return info;
  }

  static fromInfo(info: ErrorInfo): StudioError {
    return new StudioError(info.code, info.message, { hint: info.hint, details: info.details });
  }
}

export function isStudioError(e: unknown): e is StudioError {
  return e instanceof StudioError;
}

/** Any thrown value as ErrorInfo, without leaking stack traces across the boundary. */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof StudioError) return e.toInfo();
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message };
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** An envelope's value, or its error thrown as a StudioError: one rule for every transport's client. */
export function openEnvelope<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw StudioError.fromInfo(envelope.error);
}
