// The built CLI as a careless user meets it, as a subprocess against the test bed: Ctrl+C and
// kill -9 in the middle of a clone of 10 and of a migration (containers and helpers counted on
// both engines before and after, the journal read), and the mistakes people type.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Containers,
  COUNTER_SCRIPT,
  counterValues,
  dockerFor,
  eventually,
  execIn,
  testbed,
  uniqueName,
} from '../../testbed/support';

const tb = testbed();
const A = tb.engines.a!;
const B = tb.engines.b!;
const dockerA = dockerFor(A);
const dockerB = dockerFor(B);
const onA = new Containers(dockerA);
const onB = new Containers(dockerB);
const BIN = path.resolve(__dirname, '..', '..', 'bin', 'checkpoint-studio.js');
const HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-careless-'));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

interface Started {
  child: ChildProcess;
  done: Promise<Run>;
  err: () => string;
}

function start(args: string[]): Started {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, DOCKER_HOST: A, CHECKPOINT_STUDIO_HOME: HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const done = new Promise<Run>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, out, err })),
  );
  return { child, done, err: () => err };
}

const cli = (...args: string[]) => start(args).done;

/** Every container of an engine, helpers included, by name and state. */
async function everything(docker: typeof dockerA): Promise<string[]> {
  return (await docker.listContainers({ all: true })).map((c) => `${c.Names[0]} ${c.State}`).sort();
}

async function helpers(docker: typeof dockerA): Promise<number> {
  return (await docker.listContainers({ all: true, filters: { label: ['dev.checkpointstudio.helper'] } }))
    .length;
}

function journalLines(): number {
  const db = new Database(path.join(HOME, 'catalog.db'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM journal_entries').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

let redis: { id: string; name: string };

async function counter(): Promise<{ id: string; name: string }> {
  const c = await onA.run({
    image: tb.busyboxImage,
    cmd: ['sh', '-c', COUNTER_SCRIPT],
    name: uniqueName('mig'),
  });
  await eventually(async () => (await counterValues(dockerA, c.id)).length >= 3, 15_000, 'counting');
  return c;
}

/** Ctrl+C: the command says it was cancelled, and exits 130. */
async function interrupt(run: Started): Promise<Run> {
  run.child.kill('SIGINT');
  const r = await run.done;
  expect(r.code, r.err).toBe(130);
  expect(r.err).toMatch(/was cancelled/);
  return r;
}

/** A counter on A, being migrated to B: under way once its progress says `stage`. */
async function migrationUnderWay(stage: RegExp, what: string) {
  const c = await counter();
  const beforeB = await everything(dockerB);
  const run = start(['migrate', c.name, '--to', B, '--keep-source']);
  await eventually(() => stage.test(run.err()), 60_000, what);
  return { c, beforeB, run };
}

/** The source runs on A again and counts on from where it stopped (not from 0); B is as it was. */
async function expectBackWhereItWas(c: { id: string }, beforeB: string[]) {
  expect((await dockerA.getContainer(c.id).inspect()).State.Running).toBe(true);
  expect(await everything(dockerB)).toEqual(beforeB);
  const counted = await counterValues(dockerA, c.id);
  expect(counted.lastIndexOf(0)).toBe(0);
  expect(journalLines()).toBe(0);
}

/**
 * kill -9 once the command's progress says `moment`, then a `ps`: whether the kill came while the
 * command was unfinished (its journal lines still there), how many containers named `name` it had
 * made, what the `ps` said, and every container after it.
 */
async function killThenPs(args: string[], moment: RegExp, name: string) {
  const run = start(args);
  await eventually(() => moment.test(run.err()), 60_000, 'the moment to kill');
  run.child.kill('SIGKILL');
  await run.done;
  const unfinished = journalLines() > 0;
  const made = (await everything(dockerA)).filter((c) => c.includes(name)).length;
  const next = await cli('ps');
  expect(next.code, next.err).toBe(0);
  const after = await everything(dockerA);
  return { unfinished, made, next, after, named: after.filter((c) => c.includes(name)) };
}

/** A clone of the redis container's warm checkpoint: `count` clones named after `prefix`, no ports. */
const cloneOfWarm = (prefix: string, count: number) =>
  `clone ${redis.name} --checkpoint warm --count ${count} --prefix ${prefix} --ports none`.split(' ');

beforeAll(async () => {
  redis = await onA.run({ image: tb.redisImage, network: 'none' });
  await eventually(
    async () => (await execIn(dockerA, redis.id, ['redis-cli', 'ping'])) === 'PONG',
    15_000,
    'redis',
  );
  const made = await cli('checkpoint', redis.name, '--name', 'warm', '--leave-running');
  expect(made.code, made.err).toBe(0);
});

afterAll(async () => {
  for (const [docker, list] of [
    [dockerA, onA],
    [dockerB, onB],
  ] as const) {
    const leftovers = await docker.listContainers({
      all: true,
      filters: { label: ['dev.checkpointstudio.clone-of'] },
    });
    for (const c of leftovers) list.adopt(c.Id);
    await list.cleanup();
  }
  fs.rmSync(HOME, { recursive: true, force: true });
});

describe('interrupted', () => {
  it('Ctrl+C during a clone of 10: cancelled, everything it made removed, exit 130; then it works', async () => {
    const before = await everything(dockerA);
    const prefix = uniqueName('int');
    const run = start(cloneOfWarm(prefix, 10));
    await eventually(() => /Copying|Restoring/.test(run.err()), 60_000, 'the clone under way');
    const r = await interrupt(run);
    expect(r.err).toMatch(/cancelling/);
    expect(await everything(dockerA)).toEqual(before);
    expect(journalLines()).toBe(0);
    // The names are free again: the same command goes through.
    const again = await cli(...cloneOfWarm(prefix, 2));
    expect(again.code, again.err).toBe(0);
  });

  it.each([
    ['creating', /Creating/],
    ['copying', /Copying/],
    ['restoring', /Restoring/],
  ])(
    'kill -9 during a clone of 10 (%s): the next command removes what it left, and says so',
    async (_when, at) => {
      const before = await everything(dockerA);
      const prefix = uniqueName('kil');
      // The kill can land a moment too late, when the clone was over and its lines gone: then its
      // clones are the user's and stay. Otherwise the next command removes every one of them.
      const { unfinished, made, next, after, named } = await killThenPs(cloneOfWarm(prefix, 10), at, prefix);
      expect(await helpers(dockerA)).toBe(0);
      if (unfinished) {
        expect(named).toEqual([]);
        expect(after).toEqual(before);
        if (made > 0) expect(next.err).toMatch(/put right: removed clone/);
      } else {
        expect(named).toHaveLength(10);
        expect(next.err).not.toMatch(/put right/);
      }
      expect(journalLines()).toBe(0);
    },
  );

  describe('an import of 10 from an archive', () => {
    let archive: string;
    beforeAll(async () => {
      archive = path.join(HOME, 'warm.tar.zst');
      const r = await cli('export', redis.name, '--checkpoint', 'warm', '--output', archive);
      expect(r.code, r.err).toBe(0);
    });

    it('Ctrl+C: cancelled, exit 130, every container it made removed, nothing owed', async () => {
      const before = await everything(dockerA);
      const name = uniqueName('imp');
      const run = start(['import', archive, '--name', name, '--count', '10']);
      await eventually(
        () => /: (creating|copying|restoring)/.test(run.err()),
        60_000,
        'the import under way',
      );
      await interrupt(run);
      expect(await everything(dockerA)).toEqual(before);
      expect(await helpers(dockerA)).toBe(0);
      expect(journalLines()).toBe(0);
    });

    it('kill -9: the next command removes what it left, and says so', async () => {
      const before = await everything(dockerA);
      const name = uniqueName('imk');
      const { unfinished, made, next, after, named } = await killThenPs(
        ['import', archive, '--name', name, '--count', '10'],
        /: (copying|restoring)/,
        name,
      );
      if (unfinished) {
        expect(named).toEqual([]);
        if (made > 0) expect(next.err).toMatch(/put right/);
      } else {
        // Too late: the import was over, its containers are the user's.
        expect(named).toHaveLength(10);
        for (const c of await dockerA.listContainers({ all: true, filters: { name: [name] } }))
          onA.adopt(c.Id);
      }
      expect(after.filter((c) => !c.includes(name))).toEqual(before);
      expect(await helpers(dockerA)).toBe(0);
      expect(journalLines()).toBe(0);
    });
  });

  it('Ctrl+C during a migration: the source runs on where it was, nothing is left on the target', async () => {
    const { c, beforeB, run } = await migrationUnderWay(
      /Carrying the checkpoint|Carrying file system/,
      'the transfer',
    );
    await interrupt(run);
    await expectBackWhereItWas(c, beforeB);
  });

  it('kill -9 after the source was checkpointed: the next command brings it back, and cleans the target', async () => {
    const { c, beforeB, run } = await migrationUnderWay(/Carrying/, 'the source stopped');
    run.child.kill('SIGKILL');
    await run.done;
    expect((await dockerA.getContainer(c.id).inspect()).State.Running).toBe(false);
    // Any command that connects both engines puts both right.
    const next = await cli('migrate', 'no-such-container', '--to', B);
    expect(next.err).toMatch(/put right: .* runs again from where it was/);
    await expectBackWhereItWas(c, beforeB);
  });

  it('Ctrl+C during restore --force: the container ends running', async () => {
    const c = await counter();
    expect((await cli('checkpoint', c.name, '--name', 'early', '--leave-running')).code).toBe(0);
    const run = start(['restore', c.name, '--checkpoint', 'early', '--force']);
    await eventually(() => /Saving|Restoring/.test(run.err()), 30_000, 'the restore under way');
    run.child.kill('SIGINT');
    const r = await run.done;
    // Cancelled before the restore began (130), or too late to stop it (0): running either way.
    expect([0, 130]).toContain(r.code);
    expect((await dockerA.getContainer(c.id).inspect()).State.Running).toBe(true);
    expect(journalLines()).toBe(0);
  });
});

describe('mistyped', () => {
  const json = async (...args: string[]) => {
    const r = await cli(...args, '--json');
    return {
      code: r.code,
      body: JSON.parse(r.out) as { ok?: boolean; error?: { code: string; message: string; hint?: string } },
    };
  };

  it('usage errors are JSON with --json, and say what was meant', async () => {
    expect(await json('chekpoint', 'x')).toEqual({
      code: 64,
      body: {
        ok: false,
        error: {
          code: 'invalid-argument',
          message: 'unknown command "chekpoint"',
          hint: 'did you mean "checkpoint"?',
        },
      },
    });
    const flag = await json('ps', '--forse');
    expect(flag.code).toBe(64);
    expect(flag.body.error?.message).toMatch(/--forse/);
    const count = await json('clone', redis.name, '--checkpoint', 'warm', '--count', '0x3');
    expect(count.body.error?.message).toBe('--count takes a whole number such as 3, not "0x3"');
    // --json before the command is not the command.
    const ps = await cli('--json', 'ps');
    expect(ps.code).toBe(0);
    expect(Array.isArray(JSON.parse(ps.out))).toBe(true);
  });

  it('an empty pattern is refused at once, leaving nothing behind', async () => {
    const r = await cli('memsearch', `${redis.name}:warm`, '');
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/pattern is empty/);
    expect(await helpers(dockerA)).toBe(0);
  });

  it('flags that would be ignored are refused', async () => {
    const a = await cli('schedule', redis.name, '--every', '5m', '--pause');
    expect(a.code).toBe(64);
    expect(a.err).toMatch(/--pause changes nothing else: --every would be ignored/);
    const b = await cli('schedule', redis.name, '--pause', '--resume');
    expect(b.code).toBe(64);
  });

  it('messages in the user words: no schema paths, no call names', async () => {
    const r = await cli('checkpoint', redis.name, '--name', 'b');
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/^error: the name: a checkpoint name has at least 2 characters/m);
    expect(r.err).not.toMatch(/checkpoint\.create|Invalid input/);
  });

  it('not found is exit 1 everywhere; engine names are one per engine', async () => {
    expect((await cli('inspect', path.join(HOME, 'no-such.tar'))).code).toBe(1);
    expect((await cli('rm', redis.name, '--checkpoint', 'no-such')).code).toBe(1);
    expect((await cli('engines', 'add', 'twin', A)).code).toBe(0);
    const twice = await cli('engines', 'add', 'Twin', B);
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(/already called "Twin"/);
    expect((await cli('engines', 'rm', 'twin')).code).toBe(0);
  });

  it('restore says which checkpoint it used', async () => {
    const c = await counter();
    expect((await cli('checkpoint', c.name, '--name', 'only-one')).code).toBe(0);
    const r = await cli('restore', c.name);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Restored only-one \(the newest\) into /);
  });
});
