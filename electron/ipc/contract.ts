// The one IPC contract. Main process, preload, browser-mode host, CLI and renderer all speak it:
// each call names its argument and result schema, each event its payload. Arguments are parsed
// with zod at every boundary before any service sees them.
import { z } from 'zod';
import type { CallName, EventName } from './contract-names';

// ---- identifiers that reach engines or the file system: strict on purpose ----

export const EngineId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'an engine id is 1–32 lowercase letters, digits or dashes');

/** A container name or id as Docker accepts them; rejects '/', '..', NUL and shell metacharacters. */
export const ContainerRef = z
  .string()
  .min(1, 'a container name or id is required')
  .max(128, 'a container name or id has at most 128 characters')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'a container name or id is letters, digits, "_", "." or "-"');

// ---- shapes ----

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
  /** ms since epoch of the last state change */
  since: z.number(),
});

export const ContainerStateName = z.enum([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
  'unknown',
]);

export const PortBinding = z.object({
  privatePort: z.number().int(),
  publicPort: z.number().int().optional(),
  ip: z.string().optional(),
  type: z.string(),
});

export const ContainerSummary = z.object({
  engineId: EngineId,
  id: z.string(),
  name: z.string(),
  image: z.string(),
  command: z.string(),
  state: ContainerStateName,
  /** The engine's own words, e.g. "Exited (137) 3 seconds ago". */
  status: z.string(),
  createdAt: z.number(),
  /** ms since epoch when the container last started; null if it never ran or is not running. */
  startedAt: z.number().nullable(),
  ports: z.array(PortBinding),
});

export const ContainersChanged = z.object({
  engineId: EngineId,
  /** A snapshot replaces the engine's whole list; a delta changes some rows. */
  kind: z.enum(['snapshot', 'delta']),
  upserts: z.array(ContainerSummary),
  removals: z.array(z.string()),
});

export const DoctorStatus = z.enum(['ok', 'warning', 'blocking']);

export const DoctorItem = z.object({
  id: z.string(),
  title: z.string(),
  status: DoctorStatus,
  detail: z.string(),
  fix: z.string().optional(),
});

export const DoctorReport = z.object({
  generatedAt: z.number(),
  engineId: EngineId.optional(),
  items: z.array(DoctorItem),
  summary: z.object({ ok: z.number(), warning: z.number(), blocking: z.number() }),
});

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  host: z.enum(['electron', 'browser']),
  platform: z.string(),
});

const NoArgs = z.object({}).strict();

// ---- calls ----

interface CallSpec {
  args: z.ZodType;
  result: z.ZodType;
  summary: string;
}

export const calls = {
  'app.info': { args: NoArgs, result: AppInfo, summary: 'Name, version and which host serves the UI.' },
  'engines.list': {
    args: NoArgs,
    result: z.array(EngineStatus),
    summary: 'Every connected engine with its health.',
  },
  'containers.list': {
    args: z.object({ engineId: EngineId }).strict(),
    result: z.array(ContainerSummary),
    summary: "An engine's containers, running or not.",
  },
  'doctor.run': {
    args: z.object({ engineId: EngineId.optional() }).strict(),
    result: DoctorReport,
    summary: 'Check CRIU, the kernel and an engine; each item with a plain fix.',
  },
} as const satisfies Record<CallName, CallSpec>;

export const events = {
  'engine.status': EngineStatus,
  'containers.changed': ContainersChanged,
} as const satisfies Record<EventName, z.ZodType>;

// Compile-time check that contract-names.ts lists exactly these calls and events.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const callsMatch: Exactly<keyof typeof calls, CallName> = true;
const eventsMatch: Exactly<keyof typeof events, EventName> = true;
void callsMatch;
void eventsMatch;

export type CallArgs<N extends CallName> = z.input<(typeof calls)[N]['args']>;
export type ParsedArgs<N extends CallName> = z.output<(typeof calls)[N]['args']>;
export type CallResult<N extends CallName> = z.output<(typeof calls)[N]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export type EngineStatusT = z.output<typeof EngineStatus>;
export type ContainerSummaryT = z.output<typeof ContainerSummary>;
export type ContainersChangedT = z.output<typeof ContainersChanged>;
export type DoctorItemT = z.output<typeof DoctorItem>;
export type DoctorReportT = z.output<typeof DoctorReport>;
export type AppInfoT = z.output<typeof AppInfo>;

export type { CallName, EventName };

/** What the renderer sees, whichever host serves it. */
export interface StudioApi {
  call<N extends CallName>(name: N, args: CallArgs<N>): Promise<CallResult<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
