// The renderer's one way to the main process, whichever host serves it: the preload bridge in
// Electron, HTTP calls and a WebSocket for events in browser mode. Both speak the same contract.
import type {
  CallArgs,
  CallName,
  CallResult,
  EventName,
  EventPayload,
  StudioApi,
} from '../../../electron/ipc/contract';
import type { StudioBridge } from '../../../electron/ipc/bridge';
import { openEnvelope, StudioError, type Envelope } from '../../../electron/ipc/errors';

declare global {
  interface Window {
    studio?: StudioBridge;
  }
}

export type TransportState = 'connected' | 'reconnecting';

export interface Client extends StudioApi {
  /**
   * Called each time the event channel opens (the first time too): events sent before it was open
   * were missed, so state must be re-read.
   */
  onTransport(listener: (state: TransportState) => void): () => void;
}

function unwrap<N extends CallName>(env: Envelope<unknown>): CallResult<N> {
  return openEnvelope(env) as CallResult<N>;
}

type Listener = (payload: unknown) => void;

const SESSION_KEY = 'cs-session';

/**
 * Browser mode's session: handed to this page once, in a meta element, when the one-time link was
 * opened. It is kept in sessionStorage — this tab, this origin (port included), never a cookie —
 * and the link's token is taken out of the address bar and its history entry.
 */
function takeSession(): string | null {
  const meta = document.querySelector('meta[name="cs-session"]');
  const given = meta?.getAttribute('content');
  meta?.remove();
  if (given) sessionStorage.setItem(SESSION_KEY, given);
  if (location.search) history.replaceState(null, '', location.pathname + location.hash);
  return sessionStorage.getItem(SESSION_KEY);
}

let session: string | null = null;

/** The headers that sign a browser-mode request in (none in Electron). */
export function sessionHeaders(): Record<string, string> {
  return session ? { 'X-Studio-Session': session } : {};
}

function electronClient(bridge: StudioBridge): Client {
  return {
    async call<N extends CallName>(name: N, args: CallArgs<N>): Promise<CallResult<N>> {
      return unwrap<N>(await bridge.calls[name](args));
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      return bridge.on(event, listener as Listener);
    },
    onTransport() {
      // IPC within one process does not drop.
      return () => undefined;
    },
  };
}

function browserClient(): Client {
  session = takeSession();
  const listeners = new Map<EventName, Set<Listener>>();
  const transportListeners = new Set<(s: TransportState) => void>();
  let socket: WebSocket | null = null;
  let attempt = 0;

  const connect = () => {
    const ws = new WebSocket(
      `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`,
    );
    socket = ws;
    // A WebSocket carries no headers of ours: the first message says who the page is.
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', session }));
    ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as { type: string; event: EventName; payload: unknown };
      if (msg.type === 'ready') {
        attempt = 0;
        for (const l of transportListeners) l('connected');
        return;
      }
      if (msg.type !== 'event') return;
      for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      for (const l of transportListeners) l('reconnecting');
      const delay = Math.min(5000, 250 * 2 ** attempt++);
      setTimeout(connect, delay);
    };
  };
  connect();

  return {
    async call<N extends CallName>(name: N, args: CallArgs<N>): Promise<CallResult<N>> {
      let res: Response;
      try {
        res = await fetch(`./api/call/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...sessionHeaders() },
          credentials: 'omit',
          body: JSON.stringify(args ?? {}),
        });
      } catch {
        throw new StudioError('engine-unreachable', 'Lost contact with Checkpoint Studio.', {
          hint: 'Is "checkpoint-studio serve" (or npm start) still running?',
        });
      }
      if (res.status === 401) {
        throw new StudioError('unauthorized', 'This page is not signed in to Checkpoint Studio.', {
          hint: 'Open a link printed by "checkpoint-studio serve" (each works once: press Enter in its terminal for another), or "New tab" in a tab that is signed in.',
        });
      }
      return unwrap<N>((await res.json()) as Envelope<unknown>);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
    onTransport(listener) {
      transportListeners.add(listener);
      return () => transportListeners.delete(listener);
    },
  };
}

export function createClient(): Client {
  return window.studio ? electronClient(window.studio) : browserClient();
}

export const api: Client = createClient();
