import { StudioError, type ErrorInfo } from '../../../electron/ipc/errors';

export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof StudioError) return e.toInfo();
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}
