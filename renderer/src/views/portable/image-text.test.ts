import { describe, expect, it } from 'vitest';
import { defaultImageName, imageNameProblem } from './image-text';

describe('image names in the views', () => {
  it('makes a name the engine takes from any container and checkpoint name', () => {
    expect(defaultImageName('Cache_Warm', 'cp-2026-12-06T10.00')).toBe(
      'checkpoints/cache_warm:cp-2026-12-06T10.00',
    );
    expect(defaultImageName('--x--', '.hidden')).toBe('checkpoints/x:hidden');
    for (const [c, k] of [
      ['Cache_Warm', 'cp1'],
      ['a.b-c', 'x y'],
    ] as const)
      expect(imageNameProblem(defaultImageName(c, k))).toBeNull();
  });
  it('says what is wrong', () => {
    expect(imageNameProblem('')).toMatch(/needs a name/);
    expect(imageNameProblem('Team/redis')).toMatch(/Lowercase/);
    expect(imageNameProblem('127.0.0.1:5055/team/redis:cp1')).toBeNull();
    expect(imageNameProblem('team/redis:bad tag')).toMatch(/not a tag/);
  });
});
