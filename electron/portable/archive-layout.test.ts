import { describe, expect, it } from 'vitest';
import { judgeEntry, LAYOUT, MAX_METADATA_BYTES, originOf } from './archive-layout';

describe('archive entries', () => {
  it('knows each file of the layout', () => {
    expect(judgeEntry('./checkpoint/core-1.img', 'file', 10)).toEqual({ name: 'core-1.img', kind: 'image' });
    expect(judgeEntry('config.dump', 'file', 10)).toEqual({ name: 'config.dump', kind: 'metadata' });
    expect(judgeEntry('rootfs-diff.tar', 'file', 1e9)).toEqual({
      name: 'rootfs-diff.tar',
      kind: 'rootfs-diff',
    });
    expect(judgeEntry('checkpoint/', 'directory', 0)).toEqual({ name: 'checkpoint', kind: 'folder' });
  });
  it('refuses escapes, links, devices, nesting and huge metadata', () => {
    expect(() => judgeEntry('../x', 'file', 1)).toThrow(/outside the archive/);
    expect(() => judgeEntry('/x', 'file', 1)).toThrow(/absolute path/);
    expect(() => judgeEntry('checkpoint/x', 'symlink', 0)).toThrow(/symbolic link/);
    expect(() => judgeEntry('x', 'character-device', 0)).toThrow(/character-device/);
    expect(() => judgeEntry('checkpoint/a/b', 'file', 1)).toThrow(/nested/);
    expect(() => judgeEntry(LAYOUT.spec, 'file', MAX_METADATA_BYTES + 1)).toThrow(/refused/);
  });
});

describe('who made an archive', () => {
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  it('tells the app’s Docker exports, Podman’s and Kubernetes’ apart', () => {
    expect(
      originOf(
        new Map([[LAYOUT.note, json({ engineKind: 'docker', containerName: 'web', image: 'nginx' })]]),
      ),
    ).toMatchObject({
      madeBy: 'checkpoint-studio (Docker)',
      engineKind: 'docker',
      containerName: 'web',
    });
    expect(
      originOf(new Map([[LAYOUT.config, json({ name: 'db', rootfsImageName: 'redis' })]])),
    ).toMatchObject({
      madeBy: 'Podman',
      engineKind: 'podman',
      containerName: 'db',
    });
    expect(
      originOf(
        new Map([
          [
            LAYOUT.spec,
            json({
              annotations: {
                'io.kubernetes.pod.name': 'p',
                'io.kubernetes.pod.namespace': 'ns',
                'io.kubernetes.container.name': 'c',
              },
            }),
          ],
        ]),
      ),
    ).toMatchObject({ madeBy: 'CRI-O (Kubernetes)', engineKind: null, pod: 'ns/p', containerName: 'c' });
  });
});
