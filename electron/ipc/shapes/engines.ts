// Shapes of the IPC contract (electron/ipc/contract.ts): engines — an engine's status and health,
// the addresses and host keys a user gives to add one, and the arguments of engines.test and
// engines.add. What an engine can do is in capabilities.ts.
import { z } from 'zod';
import { EngineId } from './common';

export const EngineState = z.enum(['connecting', 'online', 'offline']);

export const EngineStatus = z.object({
  id: EngineId,
  name: z.string(),
  /** Where it is, for display: unix:///run/docker.sock, tcp://host:2376. */
  host: z.string(),
  kind: z.enum(['docker', 'podman', 'unknown']),
  state: EngineState,
  error: z.string().optional(),
  hint: z.string().optional(),
  version: z.string().optional(),
  apiVersion: z.string().optional(),
  experimental: z.boolean().optional(),
  /** ssh:// engines: the host key's fingerprint the app holds it to (SHA256:…). */
  hostKey: z.string().optional(),
  /** ms since epoch of the last state change */
  since: z.number(),
});

/** A path the user typed for a file the app reads (TLS folder, SSH key): absolute, plain. */
const LocalPath = z
  .string()
  .max(1024)
  .regex(/^\/[^\0]*$/, 'give an absolute path (starting with /)')
  .refine((p) => !p.split('/').includes('..'), 'a path with .. in it is not taken');

/** "SHA256:" and 43 base64 characters, as ssh-keygen -l prints a host key. */
export const HostKeyFingerprint = z
  .string()
  .regex(
    /^SHA256:[A-Za-z0-9+/]{43}$/,
    'a host key fingerprint looks like SHA256: and 43 letters, digits, + or /',
  );

export const EngineAddress = z
  .string()
  .min(1)
  .max(512)
  .regex(
    /^(unix:\/\/\/|tcp:\/\/|ssh:\/\/)[^\0\s]*$/,
    'an engine address starts with unix:///, tcp:// or ssh://',
  );

/** What engines.test takes. */
export const EnginesTestArgs = z
  .object({ host: EngineAddress, tlsDir: LocalPath.optional(), identityFile: LocalPath.optional() })
  .strict();

/** What engines.test answers. */
export const EnginesTestResult = z.object({
  ok: z.boolean(),
  /** ssh://: the key the host presented, to compare before adding it. */
  hostKey: z.string().optional(),
  kind: z.string().optional(),
  version: z.string().optional(),
  experimental: z.boolean().optional(),
  error: z.string().optional(),
  hint: z.string().optional(),
});

/** What engines.add takes. */
export const EnginesAddArgs = z
  .object({
    name: z.string().min(1).max(64),
    host: EngineAddress,
    tlsDir: LocalPath.optional(),
    identityFile: LocalPath.optional(),
    /** The host key the user saw when testing: adding fails if the host presents another. */
    hostKey: HostKeyFingerprint.optional(),
  })
  .strict();

export type EngineStatusT = z.output<typeof EngineStatus>;
