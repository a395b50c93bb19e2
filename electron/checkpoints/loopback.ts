// Brings a restored container's loopback interface up again. Some engines (Podman 5 with no
// network, measured) restore a container into a network namespace whose loopback is down: a
// service inside then answers on its Unix socket but not on 127.0.0.1. The fix runs the app's
// helper program beside the container, in its network namespace with CAP_NET_ADMIN, through the
// engine API alone — so it works for remote engines too, and needs nothing inside the image.
import type { EngineConnection } from '../engines/engine-connection';
import { LO_BROUGHT_UP, LO_WAS_UP } from '../engines/tools/tool-program';
import { ensureToolsImage, runTool } from '../engines/tools/tools-image';
import type { ContainerNetworkKind } from '../capabilities/network-kind';

export type LoopbackResult = 'was-up' | 'brought-up' | 'failed';

export async function bringLoopbackUp(conn: EngineConnection, containerId: string): Promise<LoopbackResult> {
  try {
    const image = await ensureToolsImage(conn.engine, conn.identity?.arch ?? '');
    const r = await runTool(conn.engine, {
      image,
      args: ['lo'],
      networkMode: `container:${containerId}`,
      capAdd: ['NET_ADMIN'],
      role: 'loopback',
    });
    return r.exitCode === LO_WAS_UP ? 'was-up' : r.exitCode === LO_BROUGHT_UP ? 'brought-up' : 'failed';
  } catch {
    return 'failed';
  }
}

/**
 * Whether to look after a restore: where the engine was measured to bring the loopback back down,
 * and — when it was never measured — for containers with no network, the case where it happens.
 */
export function shouldRepairLoopback(measuredDown: boolean | null, kind: ContainerNetworkKind): boolean {
  return measuredDown ?? kind === 'none';
}
