import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseKernelConfig, readKernelConfig } from './kernel-config';

const SAMPLE = `#\n# Automatically generated file\nCONFIG_CHECKPOINT_RESTORE=y\n# CONFIG_MEM_SOFT_DIRTY is not set\nCONFIG_LOCALVERSION=""\n`;

describe('kernel config', () => {
  it('reads set and unset options', () => {
    const o = parseKernelConfig(SAMPLE);
    expect(o.get('CONFIG_CHECKPOINT_RESTORE')).toBe('y');
    expect(o.get('CONFIG_MEM_SOFT_DIRTY')).toBe('n');
    expect(o.get('CONFIG_LOCALVERSION')).toBe('""');
  });

  it('prefers /proc/config.gz and falls back to /boot', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-kcfg-'));
    const proc = path.join(dir, 'config.gz');
    const boot = path.join(dir, 'config-6.1');
    fs.writeFileSync(boot, 'CONFIG_CHECKPOINT_RESTORE=m\n');
    expect(readKernelConfig({ proc, boot })?.source).toBe(boot);
    fs.writeFileSync(proc, zlib.gzipSync(SAMPLE));
    const cfg = readKernelConfig({ proc, boot });
    expect(cfg?.source).toBe(proc);
    expect(cfg?.options.get('CONFIG_CHECKPOINT_RESTORE')).toBe('y');
    expect(readKernelConfig({ proc: path.join(dir, 'no'), boot: path.join(dir, 'no2') })).toBeNull();
  });
});
