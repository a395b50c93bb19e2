import { describe, expect, it } from 'vitest';
import { newSecret, originAllowed, Sessions } from './auth';

describe('browser-mode sessions', () => {
  it('secrets are long and random', () => {
    const a = newSecret();
    expect(a.length).toBeGreaterThanOrEqual(43);
    expect(newSecret()).not.toBe(a);
  });

  it('a link token is traded for a session once, and is no credential itself', () => {
    const s = new Sessions();
    const link = s.newLink();
    expect(s.isSession(link)).toBe(false);
    const session = s.redeem(link)!;
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session).not.toBe(link);
    expect(s.isSession(session)).toBe(true);
    expect(s.redeem(link)).toBeNull();
    // Each new link signs in one more tab.
    const second = s.redeem(s.newLink())!;
    expect(s.isSession(second)).toBe(true);
    expect(second).not.toBe(session);
  });

  it('refuses what it did not make, expired links, and absurd input', () => {
    let now = 1000;
    const s = new Sessions(60_000, () => now);
    const link = s.newLink();
    now += 60_001;
    expect(s.redeem(link)).toBeNull();
    for (const bad of ['', 'x'.repeat(10_000), undefined, null, newSecret()]) {
      expect(s.redeem(bad)).toBeNull();
      expect(s.isSession(bad)).toBe(false);
    }
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
