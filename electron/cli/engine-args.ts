// Which engines a command talks to: DOCKER_HOST (or the default socket) unless --engine says
// otherwise — an address, id=address, or the name of an engine added in the app — plus any listed
// in CHECKPOINT_STUDIO_ENGINES.
import { defaultDataDir } from '../app/paths';
import { EngineSettings } from '../engines/engine-settings';
import { defaultEngineSpec, parseEngineArg, type EngineSpec } from '../engines/engine-spec';
import { StudioError } from '../ipc/errors';

/** An engine given by its address is called by that address, not by an id the user never chose. */
function byAddress(address: string): EngineSpec {
  const spec = parseEngineArg(`cli=${address}`);
  return { ...spec, name: address.replace(/^unix:\/\//, '') };
}

function fromArg(arg: string, env: NodeJS.ProcessEnv): EngineSpec {
  if (arg.includes('=')) return parseEngineArg(arg);
  if (arg.includes('://') || arg.startsWith('/')) return byAddress(arg);
  // "local" is what --json shows for the default engine: it works as --engine/--to too.
  if (arg === 'local') return defaultEngineSpec(env);
  const saved = new EngineSettings(defaultDataDir(env)).load();
  const found = saved.find((s) => s.id === arg || s.name === arg);
  if (!found) {
    throw new StudioError('invalid-argument', `no engine named "${arg}"`, {
      hint: saved.length
        ? `Known engines: ${saved.map((s) => s.id).join(', ')}.`
        : 'Add one with "checkpoint-studio engines add NAME ADDRESS", or give an address.',
    });
  }
  return found;
}

/** For one-engine commands (ps, doctor, checkpoint…): the engine they act on. */
export function commandEngine(engineArg: string | undefined, env = process.env): EngineSpec {
  return engineArg ? fromArg(engineArg, env) : defaultEngineSpec(env);
}

/** For the app (serve, the window): every engine to connect. */
export function appEngines(engineArgs: string[], env = process.env): EngineSpec[] {
  const specs: EngineSpec[] = [];
  const extra = (env.CHECKPOINT_STUDIO_ENGINES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const arg of [...engineArgs, ...extra]) {
    const spec = fromArg(arg, env);
    if (!specs.some((s) => s.id === spec.id || s.host === spec.host)) specs.push(spec);
  }
  const local = defaultEngineSpec(env);
  if (!specs.some((s) => s.host === local.host)) specs.unshift(local);
  return specs;
}
