// The shape the Electron preload puts on window.studio: one function per contract call, each
// answering with an envelope, and a subscription per contract event. Nothing else crosses.
import type { CallName, EventName } from './contract-names';
import type { Envelope } from './errors';

export interface StudioBridge {
  calls: Record<CallName, (args: unknown) => Promise<Envelope<unknown>>>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}

export const IPC_CALL_CHANNEL = 'studio:call';
export const IPC_EVENT_CHANNEL = 'studio:event';
