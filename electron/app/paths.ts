// Where the app keeps its files, and where its own package lives.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The app's data folder (catalog, settings). Electron passes app.getPath('userData') instead. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHECKPOINT_STUDIO_HOME) return path.resolve(env.CHECKPOINT_STUDIO_HOME);
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'checkpoint-studio');
}

let packageRoot: string | null = null;

/** The folder holding package.json: the repository in development, app.asar when packaged. */
export function findPackageRoot(start = __dirname): string {
  if (packageRoot) return packageRoot;
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'checkpoint-studio') return (packageRoot = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json of checkpoint-studio not found above ${start}`);
    dir = parent;
  }
}

export function appVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(findPackageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The built renderer (vite's output). */
export function rendererDir(): string {
  return path.join(findPackageRoot(), 'dist', 'renderer');
}
