// The names of every call and event in the IPC contract, with no dependencies, so that the
// sandboxed preload can allow-list them without bundling the schemas. contract.ts checks at
// compile time that these lists and its schemas name exactly the same things.

export const callNames = [
  'app.describe',
  'app.createLink',
  'engines.list',
  'containers.list',
  'doctor.run',
  'engines.test',
  'engines.add',
  'engines.rename',
  'engines.remove',
  'engines.measure',
  'checkpoints.list',
  'checkpoints.create',
  'checkpoints.restore',
  'checkpoints.delete',
  'checkpoints.note',
  'migrations.check',
  'migrations.run',
  'clones.plan',
  'clones.run',
  'logs.follow',
  'logs.unfollow',
  'operations.cancel',
  'inspections.open',
  'inspections.diff',
  'inspections.searchMemory',
  'checkpoints.export',
  'archives.import',
  'containers.act',
  'checkpoints.summarize',
  'doctor.clean',
  'library.list',
  'library.delete',
  'images.list',
  'images.create',
  'images.restore',
  'images.push',
  'images.pull',
  'images.remove',
  'files.pick',
  'schedules.list',
  'schedules.set',
  'schedules.pause',
  'schedules.remove',
  'schedules.listRuns',
] as const;

export const eventNames = [
  'engines.statusChanged',
  'engines.measured',
  'containers.changed',
  'operations.progressed',
  'logs.received',
  'catalog.changed',
  'schedules.changed',
  'engines.removed',
  'schedules.ran',
] as const;

export type CallName = (typeof callNames)[number];
export type EventName = (typeof eventNames)[number];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && (callNames as readonly string[]).includes(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (eventNames as readonly string[]).includes(name);
}
