// What every benchmark shares: timing, medians, writing the JSON next to the table, and running
// main() as a process.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [performance.now() - t0, v];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The medians of the app's runs and of the engine's own CLI's (or the work by hand), and their ratio. */
export function appVsCli(
  app: number[],
  cli: number[],
): { appMedianMs: number; cliMedianMs: number; ratio: number } {
  return {
    appMedianMs: Math.round(median(app)),
    cliMedianMs: Math.round(median(cli)),
    ratio: Number((median(app) / median(cli)).toFixed(3)),
  };
}

/** An operation timed both ways: the app's runs beside the engine's own CLI's. */
export interface AppVsCliRow {
  operation: string;
  app: number[];
  cli: number[];
}

/** One run of each side, recorded. */
export function recordRun(row: AppVsCliRow, appMs: number, cliMs: number): void {
  row.app.push(appMs);
  row.cli.push(cliMs);
}

/** The row as its JSON has it: both medians, their ratio, and every run. */
export function appVsCliRuns(row: AppVsCliRow) {
  return {
    ...appVsCli(row.app, row.cli),
    appRunsMs: row.app.map(Math.round),
    cliRunsMs: row.cli.map(Math.round),
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Six hex digits: the part of a container's name that keeps it apart from the other runs'. */
export const tag = () => crypto.randomBytes(3).toString('hex');

/** Prints the table, then writes the JSON to artifacts/bench/NAME.json and prints it too. */
export function report(name: string, lines: string[], json: unknown): void {
  process.stdout.write(lines.join('\n') + '\n');
  // Benchmarks run bundled from dist/bench; npm run bench runs them from the project's root.
  const out = path.resolve(process.cwd(), 'artifacts', 'bench');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, `${name}.json`), JSON.stringify(json, null, 2));
  process.stdout.write(`\n${JSON.stringify(json)}\n`);
}

export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
