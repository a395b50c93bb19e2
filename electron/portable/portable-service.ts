// Checkpoints as files: export one to an archive in the layout Podman, CRI-O and checkpointctl
// use, and import such an archive as new containers. Each engine imports its own kind (a Docker
// export into Docker, a Podman one into Podman); everything an archive asks of the host is judged
// before anything is made, and whatever did not come up is removed.
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { mapLimit, CLONE_PARALLELISM, engineMessage } from '../checkpoints/backends/docker-backend';
import { importAs } from '../checkpoints/backends/podman-backend';
import type { CheckpointService } from '../checkpoints/checkpoint-service';
import { bringLoopbackUp, shouldRepairLoopback } from '../checkpoints/loopback';
import { checkpointCapableEngine } from '../checkpoints/container-target';
import type { EngineRegistry } from '../engines/engine-registry';
import { StudioError } from '../ipc/errors';
import type { ContainerInspectInfo } from 'dockerode';
import { ArchiveRefused, LAYOUT, type ArchiveOrigin } from './archive-layout';
import { readArchive } from './archive-reader';
import { compressor, type Compression } from './compression';
import { packDockerCheckpoint, type DockerNote } from './docker-archive';
import {
  imageHere,
  importBody,
  importIntoDocker,
  removeFailed,
  type ImportedInstance,
} from './docker-import';
import { importableHostConfig, specHostReach } from './import-policy';

/** What Docker and Podman accept as a container name. */
export const NAME_RULE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

export interface ExportRequest {
  engineId: string;
  container: string;
  checkpoint: string;
  compression: Compression;
  /** Where the archive goes; written beside it as FILE.partial and renamed when complete. */
  file: string;
  /** Replace an existing file (the desktop save dialog asked already). */
  overwrite?: boolean;
}

export interface ExportOutcome {
  file: string;
  bytes: number;
  ms: number;
}

export interface ImportRequest {
  /** The archive, a file the user picked or uploaded. */
  file: string;
  /** Its name, for labels and messages. */
  label: string;
  engineId: string;
  name?: string | undefined;
  count: number;
}

export interface ImportOutcome {
  origin: ArchiveOrigin;
  instances: (ImportedInstance & { loopbackRepaired?: boolean })[];
  notes: string[];
}

export type PortableProgress = (p: { stage: string; bytes?: number; instance?: string }) => void;

export class PortableService {
  constructor(
    private readonly registry: EngineRegistry,
    private readonly checkpoints: CheckpointService,
  ) {}

  async export(r: ExportRequest, progress: PortableProgress = () => undefined): Promise<ExportOutcome> {
    const started = Date.now();
    const t = await this.checkpoints.target(r.engineId, r.container);
    const backend = this.checkpoints.backend(t.conn);
    if (!(await backend.list(t)).includes(r.checkpoint))
      throw new StudioError('not-found', `${t.name} has no checkpoint named "${r.checkpoint}".`);
    const file = path.resolve(r.file);
    if (!r.overwrite && fs.existsSync(file))
      throw new StudioError('conflict', `${file} exists already.`, {
        hint: 'Choose another file name, or remove that file first.',
      });
    const partial = `${file}.partial`;
    // O_EXCL: never another export's half-written file.
    const out = fs.createWriteStream(partial, { flags: 'wx', mode: 0o644 });
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', (e) =>
        reject(
          new StudioError(
            'conflict',
            `Cannot write ${partial}: ${(e as NodeJS.ErrnoException).code ?? e.message}.`,
            {
              hint: 'Another export may be writing there; choose another file, or a folder you can write to.',
            },
          ),
        ),
      );
    });
    let bytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _e, cb) {
        bytes += chunk.length;
        progress({ stage: 'writing', bytes });
        cb(null, chunk);
      },
    });
    const z = compressor(r.compression);
    try {
      if (backend.kind === 'docker') {
        const record = (await this.checkpoints.list(r.engineId, t.id)).find((c) => c.name === r.checkpoint);
        const at = record ? new Date(record.createdAt).toISOString() : null;
        const pack = tar.pack();
        const written = z ? pipeline(pack, z, count, out) : pipeline(pack, count, out);
        written.catch(() => undefined);
        try {
          await packDockerCheckpoint(t, r.checkpoint, pack, at);
        } catch (e) {
          pack.destroy(e as Error);
          throw e;
        }
        await written;
      } else {
        // Podman's own export, as Podman wrote it (compressed as asked).
        const body = await backend.exportTar(t, r.checkpoint);
        await (z ? pipeline(body, z, count, out) : pipeline(body, count, out));
      }
      fs.renameSync(partial, file);
    } catch (e) {
      out.destroy();
      fs.rmSync(partial, { force: true });
      if (e instanceof StudioError) throw e;
      throw new StudioError(
        'internal',
        `The export of ${t.name}:${r.checkpoint} failed: ${engineMessage(e)}`,
        {
          hint: 'Nothing was changed on the engine; the half-written file was removed.',
        },
      );
    }
    return { file, bytes, ms: Date.now() - started };
  }

  async import(r: ImportRequest, progress: PortableProgress = () => undefined): Promise<ImportOutcome> {
    const conn = await checkpointCapableEngine(this.registry, r.engineId);
    const kind = conn.identity?.kind;
    if (kind !== 'docker' && kind !== 'podman')
      throw new StudioError('unsupported', `${conn.spec.name} is neither Docker nor Podman.`);
    if (!Number.isInteger(r.count) || r.count < 1 || r.count > 50)
      throw new StudioError('invalid-argument', 'Import between 1 and 50 containers at a time.');
    const folderName = `imported-${Date.now().toString(36)}`;
    progress({ stage: 'reading' });
    let archive;
    try {
      archive = await readArchive(r.file, {
        unpack: kind === 'docker',
        folderName,
        onBytes: (n) => progress({ stage: 'reading', bytes: n }),
      });
    } catch (e) {
      if (e instanceof ArchiveRefused)
        throw new StudioError('invalid-argument', `${r.label}: ${e.message}.`, {
          hint: 'Nothing was created. Only checkpoint archives (Podman, CRI-O or this app’s exports) can be imported.',
        });
      throw e;
    }
    try {
      const origin = archive.origin;
      if (origin.engineKind !== kind)
        throw new StudioError(
          'unsupported',
          `${r.label} was made by ${origin.madeBy}; ${conn.spec.name} is ${kind === 'docker' ? 'Docker' : 'Podman'}, which cannot restore it.`,
          {
            hint:
              origin.engineKind === null
                ? 'Only archives of Docker (exported by this app) and of Podman can be imported so far.'
                : `Import it into a ${origin.engineKind === 'docker' ? 'Docker' : 'Podman'} engine. Nothing was created.`,
          },
        );
      const notes: string[] = [];
      let note: DockerNote | null = null;
      let hostConfig: Record<string, unknown> = {};
      if (kind === 'docker') {
        note = JSON.parse(archive.meta.get(LAYOUT.note)!.toString('utf8')) as DockerNote;
        const judged = importableHostConfig(note.create?.HostConfig ?? {});
        refuseReach(r.label, judged.hostReach);
        hostConfig = judged.hostConfig;
        const published = Object.values(
          (hostConfig.PortBindings ?? {}) as Record<string, unknown[] | null>,
        ).some((b) => (b ?? []).length > 0);
        if (r.count > 1 && hostConfig.PortBindings) {
          delete hostConfig.PortBindings;
          if (published)
            notes.push(
              'its published ports were left out: several copies cannot publish the same host ports',
            );
        }
      } else {
        const spec = archive.meta.get(LAYOUT.spec);
        if (!spec)
          throw new StudioError('invalid-argument', `${r.label} has no spec.dump: not a Podman export.`);
        refuseReach(r.label, specHostReach(JSON.parse(spec.toString('utf8')) as object));
      }
      const base = r.name ?? origin.containerName ?? 'imported';
      const names = r.count === 1 ? [base] : Array.from({ length: r.count }, (_, i) => `${base}-${i + 1}`);
      const bad = names.filter((n) => !NAME_RULE.test(n));
      if (bad.length)
        throw new StudioError('invalid-argument', `The engine would refuse the name ${bad[0]}.`, {
          hint: 'Names start with a letter or digit and hold only letters, digits, _ . and -.',
        });
      const taken = (
        await Promise.all(
          names.map(async (n) => ((await conn.engine.inspect(n).catch(() => null)) ? n : null)),
        )
      ).filter(Boolean);
      if (taken.length)
        throw new StudioError(
          'conflict',
          `${conn.spec.name} has a container called ${taken.join(', ')} already.`,
          {
            hint: 'Give the import another name. Nothing was created.',
          },
        );
      const networkMode = kind === 'docker' ? String(hostConfig.NetworkMode ?? 'default') : 'none';
      const netInfo = {
        Id: '',
        Name: `/${names[0]}`,
        HostConfig: { NetworkMode: networkMode },
        NetworkSettings: { Networks: {} },
      } as unknown as ContainerInspectInfo;
      const network = await this.checkpoints.capabilities.require(conn, netInfo, 'clone');
      if (origin.pod)
        notes.push(`it came from the Kubernetes pod ${origin.pod}; it runs here as a plain container`);

      let instances: ImportOutcome['instances'];
      const each = (name: string, state: string) => progress({ stage: state, instance: name });
      if (kind === 'docker') {
        const image = await imageHere(conn, note!);
        const body = importBody(note!, image, hostConfig, r.label.slice(0, 200));
        // The checkpoint's folder in the repacked tar is called as the note says.
        note = { ...note!, checkpoint: folderName };
        instances = await importIntoDocker(conn, archive, note, body, names, each);
      } else {
        instances = names.map((name) => ({ name, id: null }));
        await mapLimit(instances, CLONE_PARALLELISM, async (o) => {
          each(o.name, 'restoring');
          try {
            o.id = await importAs(conn.engine, r.file, o.name);
          } catch (e) {
            o.error = engineMessage(e);
          }
        });
        await removeFailed(conn, instances);
      }
      const repair = shouldRepairLoopback(
        this.checkpoints.capabilities.loopbackComesBackDown(network.caps, network.kind, 'clone'),
        network.kind,
      );
      if (repair)
        for (const o of instances)
          if (o.id && !o.error && (await bringLoopbackUp(conn, o.id)) === 'brought-up')
            o.loopbackRepaired = true;
      return { origin, instances, notes };
    } finally {
      archive.dispose();
    }
  }
}

function refuseReach(label: string, reach: string[]): void {
  if (!reach.length) return;
  throw new StudioError(
    'unsupported',
    `${label} asks for more than a container: it ${reach.join('; it ')}.`,
    {
      hint: 'An archive is someone else’s file, and these would reach the host itself: it was not imported, and nothing was created.',
      details: reach,
    },
  );
}
