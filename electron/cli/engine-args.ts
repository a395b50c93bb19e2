// Which engines a command talks to: DOCKER_HOST (or the default socket) unless --engine says
// otherwise, plus any listed in CHECKPOINT_STUDIO_ENGINES.
import { defaultEngineSpec, parseEngineArg, type EngineSpec } from '../engines/engine-spec';

function fromArg(arg: string): EngineSpec {
  if (arg.includes('=')) return parseEngineArg(arg);
  // A bare address: the engine of this command.
  return parseEngineArg(`cli=${arg}`);
}

/** For one-engine commands (ps, doctor, checkpoint…): the engine they act on. */
export function commandEngine(engineArg: string | undefined, env = process.env): EngineSpec {
  return engineArg ? fromArg(engineArg) : defaultEngineSpec(env);
}

/** For the app (serve, the window): every engine to connect. */
export function appEngines(engineArgs: string[], env = process.env): EngineSpec[] {
  const specs: EngineSpec[] = [];
  const extra = (env.CHECKPOINT_STUDIO_ENGINES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const arg of [...engineArgs, ...extra]) {
    const spec = fromArg(arg);
    if (!specs.some((s) => s.id === spec.id || s.host === spec.host)) specs.push(spec);
  }
  const local = defaultEngineSpec(env);
  if (!specs.some((s) => s.host === local.host)) specs.unshift(local);
  return specs;
}
