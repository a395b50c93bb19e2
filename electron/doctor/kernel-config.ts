// The running kernel's build configuration, from /proc/config.gz or /boot/config-$(uname -r).
import fs from 'node:fs';
import os from 'node:os';
import zlib from 'node:zlib';

export interface KernelConfig {
  source: string;
  options: Map<string, string>;
}

export function parseKernelConfig(text: string): Map<string, string> {
  const options = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(CONFIG_[A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) options.set(m[1]!, m[2]!);
    const off = /^# (CONFIG_[A-Z0-9_]+) is not set$/.exec(line.trim());
    if (off) options.set(off[1]!, 'n');
  }
  return options;
}

export function readKernelConfig(
  paths = { proc: '/proc/config.gz', boot: `/boot/config-${os.release()}` },
): KernelConfig | null {
  try {
    const text = zlib.gunzipSync(fs.readFileSync(paths.proc)).toString('utf8');
    return { source: paths.proc, options: parseKernelConfig(text) };
  } catch {
    /* not built with IKCONFIG_PROC, or not readable: try /boot */
  }
  try {
    return { source: paths.boot, options: parseKernelConfig(fs.readFileSync(paths.boot, 'utf8')) };
  } catch {
    return null;
  }
}
