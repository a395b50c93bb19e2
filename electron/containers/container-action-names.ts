// The container actions by name alone, so that reading the command line does not load what
// carries them out (the checkpoint backends and their engine code).
export const CONTAINER_ACTIONS = ['start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'remove'] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];
