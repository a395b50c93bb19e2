import { describe, expect, it } from 'vitest';
import { newToken, originAllowed, tokenMatches } from './auth';

describe('browser-mode token', () => {
  it('is long and random', () => {
    const a = newToken();
    expect(a.length).toBeGreaterThanOrEqual(43);
    expect(newToken()).not.toBe(a);
  });

  it('matches only itself', () => {
    const t = newToken();
    expect(tokenMatches(t, t)).toBe(true);
    expect(tokenMatches(t, t.slice(0, -1))).toBe(false);
    expect(tokenMatches(t, t + 'x')).toBe(false);
    expect(tokenMatches(t, '')).toBe(false);
    expect(tokenMatches(t, undefined)).toBe(false);
    expect(tokenMatches(t, 'x'.repeat(10_000))).toBe(false);
  });

  it('accepts only its own origin', () => {
    expect(originAllowed('http://127.0.0.1:4000', 4000)).toBe(true);
    expect(originAllowed('http://localhost:4000', 4000)).toBe(true);
    expect(originAllowed('http://127.0.0.1:4001', 4000)).toBe(false);
    expect(originAllowed('http://evil.example', 4000)).toBe(false);
    expect(originAllowed('null', 4000)).toBe(false);
    expect(originAllowed(undefined, 4000)).toBe(false);
  });
});
