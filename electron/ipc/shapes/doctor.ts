// Shapes of the IPC contract (electron/ipc/contract.ts): the doctor — its report of CRIU, the kernel
// and an engine, item by item with a fix, and what doctor.clean removed.
import { z } from 'zod';
import { EngineId } from './common';

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

/** What doctor.clean answers. */
export const DoctorCleanResult = z.object({
  removed: z.number(),
  bytes: z.number(),
  busy: z.number(),
  failed: z.array(z.string()),
});

export type DoctorItemT = z.output<typeof DoctorItem>;
export type DoctorReportT = z.output<typeof DoctorReport>;
