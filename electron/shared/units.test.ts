import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseSize } from './units';

describe('units', () => {
  it('reads durations', () => {
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('5 minutes')).toBeNull();
    expect(parseDuration('-5m')).toBeNull();
  });
  it('reads sizes', () => {
    expect(parseSize('2G')).toBe(2 * 1024 ** 3);
    expect(parseSize('500MB')).toBe(500 * 1024 ** 2);
    expect(parseSize('1024')).toBe(1024);
    expect(parseSize('lots')).toBeNull();
  });
  it('writes durations back', () => {
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(1500)).toBe('1500ms');
  });
});
