// Typed fan-out of contract events from services to whichever hosts are attached.
import { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from './contract';

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Each browser tab and window subscribes once; many are fine.
    this.emitter.setMaxListeners(0);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.emitter.emit('event', event, payload);
  }

  /** Every event, for hosts that forward them all. Returns an unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const wrapped = (name: EventName, payload: unknown) => {
      if (name === event) listener(payload as EventPayload<E>);
    };
    this.emitter.on('event', wrapped);
    return () => this.emitter.off('event', wrapped);
  }
}
