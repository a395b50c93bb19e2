// The layers ESLint keeps (eslint.config.mjs; ARCHITECTURE.md, "Layers"): a wrong import at a
// file's place in the tree is an error of `npm run lint`, and the imports the app makes today are not.
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const LAYER_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);
let eslint: ESLint;

// Loading the config and its plugins takes seconds the first time.
beforeAll(async () => {
  eslint = new ESLint({ cwd: root });
  await eslint.lintText('export {};\n', { filePath: path.join(root, 'electron/fake.ts') });
}, 60_000);

/** The layering messages ESLint gives a file at that path (relative to the repository) holding code. */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId !== null && LAYER_RULES.has(m.ruleId))
    .map((m) => m.message);
}

/** A module that imports `from` and uses it, so that only the import can be wrong. */
const importing = (from: string) => `import { thing } from '${from}';\nexport const used = thing;\n`;

describe('layers', { timeout: 30_000 }, () => {
  it('keeps the renderer to the contract and the shared formatting', async () => {
    const file = 'renderer/src/views/fake/Fake.tsx';
    const wrong = await layerErrors(file, importing('../../../../electron/engines/docker/docker-engine'));
    expect(wrong).toEqual([expect.stringContaining('only through the contract')]);
    expect(
      await layerErrors(file, importing('../../../../electron/catalog/checkpoint-catalog')),
    ).toHaveLength(1);
    // The dispatcher is the main side of the bridge.
    expect(await layerErrors(file, importing('../../../../electron/ipc/dispatcher'))).toHaveLength(1);
    expect(await layerErrors(file, importing('../../../../electron/ipc/event-bus'))).toHaveLength(1);
    // A type-only import is an import.
    expect(
      await layerErrors(
        file,
        "import type { Thing } from '../../../../electron/checkpoints/checkpoint-service';\nexport type T = Thing;\n",
      ),
    ).toHaveLength(1);

    expect(
      await layerErrors(
        file,
        "import type { ContainerSummaryT } from '../../../../electron/ipc/contract';\nexport type T = ContainerSummaryT;\n",
      ),
    ).toEqual([]);
    expect(await layerErrors(file, importing('../../../../electron/ipc/errors'))).toEqual([]);
    expect(await layerErrors(file, importing('../../../../electron/shared/format'))).toEqual([]);
    expect(await layerErrors('renderer/src/api/fake.ts', importing('../../../electron/ipc/bridge'))).toEqual(
      [],
    );
  });

  it('lets only main.ts, preload.ts and window-options.ts import electron', async () => {
    for (const file of ['electron/checkpoints/fake.ts', 'electron/app/fake.ts', 'renderer/src/fake.ts'])
      expect(await layerErrors(file, importing('electron')), file).toEqual([
        expect.stringContaining('Only electron/main.ts, preload.ts and window-options.ts'),
      ]);
    // The rule stays when a folder has rules of its own (flat config replaces a rule's options).
    expect(await layerErrors('electron/engines/fake.ts', importing('electron'))).toHaveLength(1);
    expect(await layerErrors('electron/cli/commands/fake.ts', importing('electron'))).toHaveLength(1);
    for (const file of ['electron/main.ts', 'electron/preload.ts', 'electron/window-options.ts'])
      expect(await layerErrors(file, importing('electron')), file).toEqual([]);
  });

  it('keeps the engines ignorant of the catalog and of the services above them', async () => {
    expect(
      await layerErrors('electron/engines/docker/fake.ts', importing('../../catalog/checkpoint-catalog')),
    ).toEqual([expect.stringContaining('Engines know nothing of the catalog')]);
    // A dynamic import is an import.
    expect(
      await layerErrors(
        'electron/engines/fake.ts',
        "export const load = () => import('../catalog/journal.js');\n",
      ),
    ).toEqual([expect.stringContaining('Engines know nothing of the catalog')]);
    for (const from of [
      '../checkpoints/clone-service',
      '../migrate/migration-service',
      '../app/services',
      '../cli/main',
    ])
      expect(await layerErrors('electron/engines/fake.ts', importing(from)), from).toHaveLength(1);

    expect(await layerErrors('electron/engines/fake.ts', importing('../ipc/errors'))).toEqual([]);
    expect(await layerErrors('electron/engines/docker/fake.ts', importing('../engine-connection'))).toEqual(
      [],
    );
    expect(
      await layerErrors('electron/engines/docker/fake.ts', importing('../remote/ssh-transport')),
    ).toEqual([]);
  });

  it('keeps the CLI and the browser host to the dispatcher', async () => {
    const cli = 'electron/cli/commands/fake.ts';
    expect(await layerErrors(cli, importing('../../checkpoints/checkpoint-service'))).toEqual([
      expect.stringContaining('only through the dispatcher'),
    ]);
    expect(await layerErrors(cli, importing('../../engines/docker/docker-engine'))).toHaveLength(1);
    expect(await layerErrors(cli, importing('../../app/handlers'))).toHaveLength(1);
    expect(
      await layerErrors(cli, "export const load = () => import('../../criu/inspect.js');\n"),
    ).toHaveLength(1);
    expect(await layerErrors('electron/host/fake.ts', importing('../catalog/journal'))).toHaveLength(1);
    expect(await layerErrors('electron/host/fake.ts', importing('../cli/main'))).toHaveLength(1);

    for (const from of [
      '../../app/services',
      '../../app/paths',
      '../../ipc/dispatcher',
      '../../ipc/contract',
    ])
      expect(await layerErrors(cli, importing(from)), from).toEqual([]);
    expect(await layerErrors(cli, importing('../../host/browser-server'))).toEqual([]);
    expect(
      await layerErrors('electron/cli/main.ts', "export const load = () => import('./commands/ps.js');\n"),
    ).toEqual([]);
    expect(await layerErrors('electron/host/fake.ts', importing('../app/services'))).toEqual([]);
  });

  it('lets an exception through only for its file and its import', async () => {
    expect(await layerErrors('electron/cli/engine-args.ts', importing('../engines/engine-spec'))).toEqual([]);
    expect(
      await layerErrors('electron/cli/engine-args.ts', importing('../engines/docker/docker-engine')),
    ).toHaveLength(1);
    expect(
      await layerErrors('electron/cli/engine-args.ts', importing('../engines/engine-spec-2')),
    ).toHaveLength(1);
    expect(await layerErrors('electron/cli/numbers.ts', importing('../engines/engine-spec'))).toHaveLength(1);
    expect(await layerErrors('electron/cli/engine-args.ts', importing('electron'))).toHaveLength(1);
  });

  it('keeps ipc and shared at the bottom', async () => {
    expect(await layerErrors('electron/ipc/fake.ts', importing('../engines/engine-spec'))).toEqual([
      expect.stringContaining('bottom layer'),
    ]);
    expect(await layerErrors('electron/shared/fake.ts', importing('../app/paths'))).toHaveLength(1);
    expect(await layerErrors('electron/ipc/fake.ts', importing('./contract'))).toEqual([]);
  });
});
