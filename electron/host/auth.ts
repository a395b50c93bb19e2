// Browser mode's gate. Whoever reaches the engine socket is root on the host, so nothing is served
// to a caller without a session, and sessions are hard to steal:
// - the URL printed at start-up carries a one-time link token: opening it (once) gives the page a
//   session secret, and the token is spent;
// - the session secret is never a cookie (cookies are shared by every port of 127.0.0.1, so any
//   local service would receive it and a page on another port could toss one): the page keeps it
//   in sessionStorage (scoped to this origin, port included) and sends it in a header, and as the
//   first message on the event socket; a cross-origin page can send neither;
// - scripts trade a link token for a session with POST /api/session.
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_HEADER = 'x-studio-session';

export function newSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

/** One-time link tokens and the sessions they were traded for, kept by one server (one port). */
export class Sessions {
  /** Link tokens not yet used, by the digest of the token. */
  private readonly links = new Map<string, number>();
  private readonly sessions = new Set<string>();

  constructor(
    private readonly linkTtlMs = 24 * 3600 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new one-time link token (the first is printed at start-up; the UI asks for more). */
  newLink(token = newSecret()): string {
    this.links.set(digest(token).toString('hex'), this.now() + this.linkTtlMs);
    return token;
  }

  /** Trades a link token for a new session secret, once; null when unknown, spent or expired. */
  redeem(token: string | null | undefined): string | null {
    if (typeof token !== 'string' || token.length === 0 || token.length > 512) return null;
    const key = digest(token).toString('hex');
    const expires = this.links.get(key);
    if (expires === undefined) return null;
    this.links.delete(key);
    if (expires < this.now()) return null;
    const session = newSecret();
    this.sessions.add(digest(session).toString('hex'));
    return session;
  }

  isSession(secret: string | null | undefined): boolean {
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > 512) return false;
    return this.sessions.has(digest(secret).toString('hex'));
  }

  /** The session a request carries, in its header. */
  fromRequest(req: IncomingMessage): boolean {
    const h = req.headers[SESSION_HEADER];
    return this.isSession(typeof h === 'string' ? h : undefined);
  }
}

/**
 * The Host header must name this server, so a DNS-rebinding page cannot talk to it; an Origin,
 * when a browser sends one, must be this server too.
 */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

export function originAllowed(origin: string | undefined, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
