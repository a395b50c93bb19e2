// Every label Checkpoint Studio puts on containers, named once.

/** The app's own helper containers (never started; hidden from lists, swept when orphaned). */
export const HELPER_LABEL = 'dev.checkpointstudio.helper';
/** Which process made a helper (host:boot:pid, see owner.ts): one whose maker is gone can go at once. */
export const OWNER_LABEL = 'dev.checkpointstudio.owner';
/** On a clone: the id of the container it was cloned from. */
export const CLONE_OF_LABEL = 'dev.checkpointstudio.clone-of';
/** On a clone: the checkpoint it was cloned from. */
export const CLONE_CHECKPOINT_LABEL = 'dev.checkpointstudio.clone-checkpoint';
