// The names of every call and event in the IPC contract, with no dependencies, so that the
// sandboxed preload can allow-list them without bundling the schemas. contract.ts checks at
// compile time that these lists and its schemas name exactly the same things.

export const callNames = [
  'app.info',
  'app.link',
  'engines.list',
  'containers.list',
  'doctor.run',
  'engines.test',
  'engines.add',
  'engines.rename',
  'engines.remove',
  'engines.capabilities',
  'checkpoints.list',
  'checkpoint.create',
  'checkpoint.restore',
  'checkpoint.delete',
  'checkpoint.note',
  'migrate.check',
  'migrate.run',
  'clone.plan',
  'clone.run',
  'logs.follow',
  'logs.unfollow',
  'operation.cancel',
  'inspect.open',
  'inspect.diff',
  'inspect.memsearch',
  'checkpoint.export',
  'archive.import',
  'containers.action',
  'checkpoints.summary',
  'doctor.clean',
  'library.list',
  'library.delete',
  'images.list',
  'image.create',
  'image.restore',
  'image.push',
  'image.pull',
  'image.remove',
  'files.pick',
  'schedules.list',
  'schedule.set',
  'schedule.pause',
  'schedule.remove',
  'schedule.runs',
] as const;

export const eventNames = [
  'engine.status',
  'engine.capabilities',
  'containers.changed',
  'operation.progress',
  'logs.data',
  'catalog.changed',
  'schedule.changed',
  'engines.removed',
  'schedule.run',
] as const;

export type CallName = (typeof callNames)[number];
export type EventName = (typeof eventNames)[number];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && (callNames as readonly string[]).includes(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (eventNames as readonly string[]).includes(name);
}
