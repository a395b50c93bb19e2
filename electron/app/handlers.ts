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
    'checkpoints.list': async ({ engineId, container }) => s.checkpoints.list(engineId, container),
    'checkpoint.create': async (a) => s.checkpoints.create({ ...a, container: a.container }),
    'checkpoint.restore': async (a) => s.checkpoints.restore(a),
    'checkpoint.delete': async ({ engineId, container, checkpoint }) => ({
      deleted: await s.checkpoints.remove(engineId, container, checkpoint),
    }),
    'checkpoint.note': async ({ engineId, container, checkpoint, note }) =>
      s.checkpoints.setNote(engineId, container, checkpoint, note),
    'clone.plan': async (req) => s.clones.plan(req),
    'clone.run': async (req) => s.clones.run(req),
    'logs.follow': async ({ engineId, container, tail }) => ({
      subscriptionId: await s.logs.follow(engineId, container, tail),
    }),
    'logs.unfollow': async ({ subscriptionId }) => ({ stopped: s.logs.unfollow(subscriptionId) }),
  };
}
