// Checkpoints as files: export one to an archive in the layout Podman, CRI-O and checkpointctl
// use, and import such an archive as new containers. Each engine imports its own kind (a Docker
// export into Docker, a Podman one into Podman); everything an archive asks of the host is judged
// before anything is made, and whatever did not come up is removed.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CANCELLED, engineMessage, removeFailed } from '../checkpoints/backends/docker-backend';
import { importAs } from '../checkpoints/backends/podman-backend';
import type { CheckpointService } from '../checkpoints/checkpoint-service';
import type { CheckpointCatalog } from '../catalog/checkpoint-catalog';
import { bringLoopbackUp, shouldRepairLoopback } from '../checkpoints/loopback';
import { checkpointCapableEngine } from '../checkpoints/container-target';
import type { EngineRegistry } from '../engines/engine-registry';
import { StudioError } from '../ipc/errors';
import type { ContainerInspectInfo } from 'dockerode';
import { ArchiveRefused, LAYOUT, type ArchiveOrigin } from './archive-layout';
import { readArchive } from './archive-reader';
import { compressor, type Compression } from './compression';
import { crossEngineRefusal, kubernetesRefusal } from './cross-engine';
import { writeDockerArchive, type DockerNote } from './docker-archive';
import { imageHere, importBody, importIntoDocker, type ImportedInstance } from './docker-import';
import { importableHostConfig, specHostReach } from './import-policy';
import { freeNames, journalNames, makeInstances, refuseReach } from './import-instances';
import { transferWriteStream } from '../engines/transfer';

export { NAME_RULE } from './import-instances';

const REACH_HINT =
  'An archive is someone else’s file, and these would reach the host itself: it was not imported, and nothing was created.';

export interface ExportRequest {
  /** For cancellation (operations.cancel, Ctrl+C). */
  opId?: string | undefined;
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
  /** For cancellation (operations.cancel, Ctrl+C). */
  opId?: string | undefined;
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
    private readonly catalog: CheckpointCatalog,
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
    const out = transferWriteStream(partial, { flags: 'wx', mode: 0o644 });
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
    const { signal, end } = this.checkpoints.cancellation.begin(r.opId);
    const cancelled = () =>
      new StudioError(
        'cancelled',
        `The export of ${t.name}:${r.checkpoint} was cancelled; nothing of it is left.`,
      );
    // Ending the pipeline in the middle ends every stream of it, the engine's too.
    const onAbort = () => count.destroy(cancelled());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (backend.kind === 'docker') {
        // The catalog's record as it is: an export reads, it does not reconcile.
        const record = this.catalog.list(r.engineId, t.id).find((c) => c.name === r.checkpoint);
        const at = record ? new Date(record.createdAt).toISOString() : null;
        const body = new PassThrough();
        const written = z ? pipeline(body, z, count, out) : pipeline(body, count, out);
        written.catch(() => undefined);
        try {
          await writeDockerArchive(t, r.checkpoint, body, at);
        } catch (e) {
          body.destroy(e as Error);
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
      if (signal.aborted) throw cancelled();
      if (e instanceof StudioError) throw e;
      throw new StudioError(
        'internal',
        `The export of ${t.name}:${r.checkpoint} failed: ${engineMessage(e)}`,
        {
          hint: 'Nothing was changed on the engine; the half-written file was removed.',
        },
      );
    } finally {
      signal.removeEventListener('abort', onAbort);
      end();
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
      if (origin.engineKind === null) {
        const spec = archive.meta.get(LAYOUT.spec);
        throw new StudioError(
          'unsupported',
          `${r.label} was made by ${origin.madeBy}${origin.pod ? ` (pod ${origin.pod})` : ''}, which ${conn.spec.name} cannot restore.${origin.pod ? ` ${kubernetesRefusal(spec ? (JSON.parse(spec.toString('utf8')) as object) : null)}` : ''}`,
          {
            hint: 'Only archives of Docker (exported by this app) and of Podman can be imported. Nothing was created.',
          },
        );
      }
      const across = crossEngineRefusal(origin.engineKind, kind);
      if (across)
        throw new StudioError('unsupported', `${r.label} was made by ${origin.madeBy}. ${across.message}`, {
          hint: `Import it into a ${origin.engineKind === 'docker' ? 'Docker' : 'Podman'} engine. Nothing was created.`,
          details: across.reasons,
        });
      const notes: string[] = [];
      let note: DockerNote | null = null;
      let hostConfig: Record<string, unknown> = {};
      if (kind === 'docker') {
        note = JSON.parse(archive.meta.get(LAYOUT.note)!.toString('utf8')) as DockerNote;
        const judged = importableHostConfig(note.create?.HostConfig ?? {});
        refuseReach(r.label, judged.hostReach, REACH_HINT);
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
        refuseReach(r.label, specHostReach(JSON.parse(spec.toString('utf8')) as object), REACH_HINT);
      }
      const base = r.name ?? origin.containerName ?? 'imported';
      const names = await freeNames(
        conn,
        base,
        r.count,
        'Give the import another name. Nothing was created.',
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

      // Refused before anything is made: an image this engine lacks.
      let body: Record<string, unknown> | null = null;
      if (kind === 'docker') {
        body = importBody(note!, await imageHere(conn, note!), hostConfig, r.label.slice(0, 200));
        // The checkpoint's folder in the repacked tar is called as the note says.
        note = { ...note!, checkpoint: folderName };
      }
      const journal = journalNames(
        this.checkpoints.journal,
        r.engineId,
        `${r.count} from ${r.label}`,
        names,
        (n) => `import ${n}`,
      );
      const { signal, end } = this.checkpoints.cancellation.begin(r.opId);
      let instances: ImportOutcome['instances'] = [];
      let settled = false;
      try {
        const each = (name: string, state: string) => progress({ stage: state, instance: name });
        if (kind === 'docker') {
          instances = await importIntoDocker(conn, archive, note!, body!, names, each, signal);
        } else {
          instances = await makeInstances(names, signal, (name) => {
            each(name, 'restoring');
            return importAs(conn.engine, r.file, name);
          });
        }
        // Cancelled: undone as a failure would be — the ones that came up go too.
        if (signal.aborted) for (const o of instances) o.error ??= CANCELLED;
        await removeFailed(conn.engine, instances);
        if (signal.aborted) {
          const left = instances.filter((o) => o.id).map((o) => o.name);
          throw new StudioError(
            'cancelled',
            `The import of ${r.label} was cancelled: ${left.length ? `${left.join(', ')} could not be removed yet (they will be when ${conn.spec.name} answers)` : 'nothing of it is left'}.`,
          );
        }
        settled = true;
      } finally {
        end();
        journal.settle(instances, settled || signal.aborted ? 'settled' : 'unforeseen');
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
