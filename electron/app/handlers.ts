// The contract's calls, implemented with the services. Arguments arrive already validated.
import { runDoctor } from '../doctor/doctor';
import type { Handlers } from '../ipc/dispatcher';
import { appVersion } from './paths';
import type { Services } from './services';

export function createHandlers(s: Services): Handlers {
  return {
    'app.info': async () => ({
      name: 'Checkpoint Studio',
      version: appVersion(),
      host: s.options.host,
      platform: process.platform,
    }),
    'engines.list': async () => s.registry.statuses(),
    'containers.list': async ({ engineId }) => (await s.registry.online(engineId)).list(),
    'doctor.run': async ({ engineId }) => {
      const conn = engineId ? s.registry.get(engineId) : s.registry.first();
      return runDoctor(conn);
    },
  };
}
