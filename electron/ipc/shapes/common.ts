// Shapes of the IPC contract (electron/ipc/contract.ts): the identifiers every domain shares —
// engine ids, container and checkpoint names, operation ids, image names — and the engine +
// container pair most calls start with. They reach engines and the file system, so they are strict
// on purpose. Every other shape file imports these; this one imports none of them.
import { z } from 'zod';

export const EngineId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'an engine id is 1–32 lowercase letters, digits or dashes');

/** A container name or id as Docker accepts them; rejects '/', '..', NUL and shell metacharacters. */
export const ContainerRef = z
  .string()
  .min(1, 'a container name or id is required')
  .max(128, 'a container name or id has at most 128 characters')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'a container name or id is letters, digits, "_", "." or "-"');

/** Checkpoint names as the engine accepts them (Docker's own rule), which also keeps them path-safe. */
export const CheckpointName = z
  .string()
  .min(2, 'a checkpoint name has at least 2 characters')
  .max(128, 'a checkpoint name has at most 128 characters')
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/,
    'a checkpoint name starts with a letter or digit, then letters, digits, "_", "." or "-"',
  )
  .refine((n) => !n.endsWith('.'), 'a checkpoint name cannot end with "."');

/** Client-chosen id of a long operation, to match its progress events. */
export const OperationId = z
  .string()
  .regex(/^[a-zA-Z0-9-]{8,64}$/, 'an operation id is 8–64 letters, digits or dashes');

/** An image name as engines accept it: [registry[:port]/]path[:tag], checked again where it is used. */
export const ImageRef = z
  .string()
  .min(1, 'an image name is required')
  .max(255, 'an image name has at most 255 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/, 'an image name holds letters, digits and . _ : / @ - only');

/** The two fields most calls start with: which engine, which container on it. */
export const Target = { engineId: EngineId, container: ContainerRef };
