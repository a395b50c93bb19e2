// The composition root: every main-process service, built once and shared by whichever host
// (Electron window, browser mode, CLI) is running.
import { EngineRegistry } from '../engines/engine-registry';
import type { EngineSpec } from '../engines/engine-spec';
import { EventBus } from '../ipc/event-bus';
import { createDispatcher, type Dispatcher } from '../ipc/dispatcher';
import { createHandlers } from './handlers';

export interface ServicesOptions {
  engines: EngineSpec[];
  dataDir: string;
  host: 'electron' | 'browser';
}

export class Services {
  readonly bus = new EventBus();
  readonly registry = new EngineRegistry(this.bus);
  readonly dispatcher: Dispatcher;

  constructor(readonly options: ServicesOptions) {
    for (const spec of options.engines) this.registry.add(spec);
    this.dispatcher = createDispatcher(createHandlers(this));
  }

  dispose(): void {
    this.registry.stopAll();
  }
}
