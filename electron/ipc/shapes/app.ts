// Shapes of the IPC contract (electron/ipc/contract.ts): the app itself — its name, version and
// which host (Electron, browser mode, CLI, headless) serves the UI.
import { z } from 'zod';

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  host: z.enum(['electron', 'browser', 'cli', 'headless']),
  platform: z.string(),
});

export type AppInfoT = z.output<typeof AppInfo>;
