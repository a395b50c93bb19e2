// The in-engine checkpoint copy on a real Docker 20.10: hard links where the source's image can
// run the helper, the source's files untouched, and nothing left behind where it cannot.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerEngine } from '../../engines/docker/docker-engine';
import { createCheckpoint } from '../../engines/docker/docker-checkpoints';
import { ensureToolsImage } from '../../engines/tools/tools-image';
import { COUNTER_SCRIPT, testbedFixture } from '../../../testbed/support';
import { copyInEngine, COPY_MARKER } from './docker-copy-in-engine';

const { tb, containers } = testbedFixture();
const engine = new DockerEngine({ id: 'copy', name: 'copy', host: tb.dockerHost });
let dataRoot = '';
const folder = (id: string, name: string) => `${dataRoot}/containers/${id}/checkpoints/${name}`;

beforeAll(async () => {
  dataRoot = (await engine.identify()).dataRoot;
});
afterAll(() => containers.cleanup());

describe('copying a checkpoint inside the engine', () => {
  it('hard-links it into every target, each with its own marker, the source untouched', async () => {
    const src = await containers.run({ image: tb.busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
    await createCheckpoint(engine, src.id, 'c1', { exit: false });
    const before = fs.readdirSync(folder(src.id, 'c1')).sort();
    const targets = await Promise.all(
      [1, 2, 3].map(() => containers.run({ image: tb.busyboxImage, cmd: ['true'], start: false })),
    );
    const how = await copyInEngine(
      engine,
      tb.busyboxImage,
      dataRoot,
      src.id,
      'c1',
      targets.map((t) => ({ id: t.id, label: t.name })),
    );
    expect(how).toBe('linked');
    const pages = before.find((f) => f.startsWith('pages-'))!;
    // The source's page file plus one link per target.
    expect(fs.statSync(`${folder(src.id, 'c1')}/${pages}`).nlink).toBe(1 + targets.length);
    for (const t of targets) {
      expect(fs.readdirSync(folder(t.id, 'c1')).sort()).toEqual([...before, COPY_MARKER].sort());
      expect(JSON.parse(fs.readFileSync(`${folder(t.id, 'c1')}/${COPY_MARKER}`, 'utf8')).copy).toBe(t.name);
    }
    expect(fs.readdirSync(folder(src.id, 'c1')).sort()).toEqual(before);
  });

  it('an image with no shell cannot run it: null, and no target holds a copy', async () => {
    const src = await containers.run({ image: tb.busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
    await createCheckpoint(engine, src.id, 'c1', { exit: false });
    const target = await containers.run({ image: tb.busyboxImage, cmd: ['true'], start: false });
    const tools = await ensureToolsImage(engine, (await engine.identify()).arch);
    const how = await copyInEngine(engine, tools, dataRoot, src.id, 'c1', [{ id: target.id, label: 'x' }]);
    expect(how).toBeNull();
    expect(fs.existsSync(folder(target.id, 'c1'))).toBe(false);
  });

  it('a target it cannot write to undoes the copies already made', async () => {
    const src = await containers.run({ image: tb.busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
    await createCheckpoint(engine, src.id, 'c1', { exit: false });
    const good = await containers.run({ image: tb.busyboxImage, cmd: ['true'], start: false });
    const bad = await containers.run({ image: tb.busyboxImage, cmd: ['true'], start: false });
    // A file where the checkpoints folder should be: mkdir -p fails for that target.
    fs.rmSync(`${dataRoot}/containers/${bad.id}/checkpoints`, { recursive: true, force: true });
    fs.writeFileSync(`${dataRoot}/containers/${bad.id}/checkpoints`, 'not a folder');
    const how = await copyInEngine(engine, tb.busyboxImage, dataRoot, src.id, 'c1', [
      { id: good.id, label: 'good' },
      { id: bad.id, label: 'bad' },
    ]);
    fs.rmSync(`${dataRoot}/containers/${bad.id}/checkpoints`, { force: true });
    expect(how).toBeNull();
    expect(fs.existsSync(folder(good.id, 'c1'))).toBe(false);
    expect(fs.readdirSync(folder(src.id, 'c1')).length).toBeGreaterThan(3);
  });
});
