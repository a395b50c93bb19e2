// The doctor on this machine, with the private engine: CRIU 4.2 built by the test bed, a kernel
// with checkpoint/restore but without soft-dirty tracking, experimental mode on.
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../ipc/event-bus';
import { EngineConnection } from '../engines/engine-connection';
import { testbed } from '../../testbed/support';
import { runDoctor } from './doctor';

const conn = new EngineConnection(
  { id: 'testbed', name: 'Test bed', host: testbed().dockerHost },
  new EventBus(),
);
conn.start();
afterAll(() => conn.stop());

describe('host doctor on this machine', () => {
  it('reports CRIU 4.2.x, criu check ok, experimental on, soft-dirty off as a warning', async () => {
    await conn.whenOnline(10_000);
    const report = await runDoctor(conn);
    const byId = Object.fromEntries(report.items.map((i) => [i.id, i]));
    expect(byId['criu.found']?.status).toBe('ok');
    expect(byId['criu.version']).toMatchObject({ status: 'ok' });
    expect(byId['criu.version']?.detail).toMatch(/^CRIU 4\.2\.\d+$/);
    expect(byId['criu.check']).toMatchObject({ status: 'ok', detail: 'Looks good.' });
    expect(byId['kernel.checkpoint_restore']?.status).toBe('ok');
    expect(byId['kernel.soft_dirty']?.status).toBe('warning');
    expect(byId['engine.reachable']?.status).toBe('ok');
    expect(byId['engine.experimental']?.status).toBe('ok');
    expect(byId['engine.runtime']?.detail).toMatch(/^runc /);
    expect(report.summary.blocking).toBe(0);
  });
});
