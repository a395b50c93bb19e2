// What would stop a migration, found without touching anything: two engines of one kind and one
// architecture, a running container, its name, network and image on the target, and — measured,
// not assumed — whether the target can restore it and the source take its checkpoint back.
import { outcomeOf } from '../capabilities/capability-rules';
import { KIND_WORDS } from '../capabilities/network-kind';
import { carriedSettings } from '../checkpoints/carried-settings';
import { checkpointCapableEngine, resolveContainer, type Target } from '../checkpoints/container-target';
import type { EngineConnection } from '../engines/engine-connection';
import type { EngineRegistry } from '../engines/engine-registry';
import { toolArch } from '../engines/tools/tool-program';
import { StudioError } from '../ipc/errors';
import { crossEngineRefusal, isEngineKind } from '../portable/cross-engine';
import type { MigrationCheckpoints, MigrationEngine, MigrationEngines } from './migration-ports';

export interface MigrationCheck {
  source: Target;
  target: EngineConnection;
  problems: string[];
  /** What may go wrong that the user should know before going ahead. */
  warnings: string[];
  carried: string[];
  imagePresent: boolean;
}

export async function checkMigration(
  deps: { engines: MigrationEngines; checkpoints: MigrationCheckpoints; engine: MigrationEngine },
  o: { engineId: string; container: string; to: string },
): Promise<MigrationCheck> {
  const { engine, checkpoints } = deps;
  if (o.engineId === o.to)
    throw new StudioError('invalid-argument', 'The source and the target are the same engine.');
  // checkpointCapableEngine asks the registry for nothing but online().
  const registry = deps.engines as EngineRegistry;
  const srcConn = await checkpointCapableEngine(registry, o.engineId);
  const source = await resolveContainer(srcConn, o.container);
  const problems: string[] = [];
  let target: EngineConnection;
  try {
    target = await checkpointCapableEngine(registry, o.to);
  } catch (e) {
    throw e instanceof StudioError
      ? new StudioError(e.code, `The target cannot take it: ${e.message}`, { hint: e.hint })
      : e;
  }
  const a = srcConn.identity!;
  const b = target.identity!;
  const across = isEngineKind(a.kind) && isEngineKind(b.kind) ? crossEngineRefusal(a.kind, b.kind) : null;
  if (across)
    problems.push(
      `${across.message.replace(/\.$/, '')} (export the checkpoint and import it into an engine of the same kind instead)`,
    );
  else if (a.kind !== 'docker' || b.kind !== 'docker')
    problems.push('migration works between Docker engines; between Podman engines it is not supported yet');
  // Docker says x86_64 where Podman says amd64: one architecture, two names.
  if ((toolArch(a.arch) ?? a.arch) !== (toolArch(b.arch) ?? b.arch))
    problems.push(
      `the target runs on ${b.arch}, the source on ${a.arch}: a process cannot move between architectures`,
    );
  if (!source.info.State?.Running)
    problems.push(`${source.name} is not running: only a running container can be migrated`);
  const clash = await target.engine.inspect(source.name);
  if (clash) problems.push(`the target already has a container named ${source.name}`);
  const network = String(source.info.HostConfig?.NetworkMode ?? '');
  if (
    network &&
    !['none', 'host', 'bridge', 'default'].includes(network) &&
    !network.startsWith('container:') &&
    !(await engine.hasNetwork(target, network))
  )
    problems.push(`the target has no network named ${network}`);
  if (network.startsWith('container:'))
    problems.push("it shares another container's network: move that one instead");
  const imagePresent = await engine.hasImage(target, source.imageId);
  const warnings: string[] = [];
  // docker load moves a name to the loaded image: say so when the target's name means another.
  const sameName = imagePresent ? null : await engine.imageIdByName(target, source.imageName);
  if (sameName)
    warnings.push(
      `${target.spec.name} has another image called ${source.imageName}: that name will mean this container's image there (its containers keep theirs)`,
    );
  // Measured, not assumed: the target must be able to restore into a new container of this
  // kind, and the source should be able to take its checkpoint back if the move fails.
  if (problems.length === 0) {
    try {
      await checkpoints.capabilities.require(target, source.info, 'clone');
    } catch (e) {
      if (!(e instanceof StudioError) || e.code !== 'unsupported') throw e;
      problems.push(
        `${target.spec.name} cannot restore it: ${e.message.replace(/^[^:]*: /, '').replace(/ Nothing was stopped or created\.$/, '')}${e.hint ? ` ${e.hint}` : ''}`,
      );
    }
    const kind = await engine.networkKind(srcConn, source.info);
    const back = outcomeOf(
      await checkpoints.capabilities.ensure(srcConn.spec.id).catch(() => null),
      kind,
      'restore',
    );
    if (back?.state === 'fails' && kind !== 'other') {
      warnings.push(
        `if the move fails, ${srcConn.spec.name} cannot bring ${source.name} back from its checkpoint (restoring containers ${KIND_WORDS[kind]} fails there${back.known ? `: ${back.known.ref}` : ''}); it would be started again fresh, its checkpoint kept`,
      );
    }
  }
  return { source, target, problems, warnings, carried: carriedSettings(source.info), imagePresent };
}
