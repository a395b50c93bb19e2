import { describe, expect, it } from 'vitest';
import { splitRef } from './checkpoint-image';
import { IMAGE_REF, isLoopbackRegistry } from './image-service';

describe('which registries are plain HTTP without being configured', () => {
  it('loopback only, as Docker decides', () => {
    expect(isLoopbackRegistry('127.0.0.1:5000/a/b:1')).toBe(true);
    expect(isLoopbackRegistry('localhost:5000/a')).toBe(true);
    expect(isLoopbackRegistry('localhost/a')).toBe(true);
    expect(isLoopbackRegistry('registry.example.com/a')).toBe(false);
    expect(isLoopbackRegistry('10.0.0.1:5000/a')).toBe(false);
    expect(isLoopbackRegistry('127.0.0.1.example.com/a')).toBe(false);
    expect(isLoopbackRegistry('library/redis')).toBe(false);
  });
});

describe('image names', () => {
  it('splits the tag after the last slash, so a registry port is not a tag', () => {
    expect(splitRef('127.0.0.1:5000/team/redis:cp1')).toEqual({
      repo: '127.0.0.1:5000/team/redis',
      tag: 'cp1',
    });
    expect(splitRef('127.0.0.1:5000/team/redis')).toEqual({
      repo: '127.0.0.1:5000/team/redis',
      tag: 'latest',
    });
    expect(splitRef('redis')).toEqual({ repo: 'redis', tag: 'latest' });
  });
  it('accepts what engines accept and nothing that could reach elsewhere', () => {
    for (const ok of ['redis', 'team/redis-warm:cp1', '127.0.0.1:5055/cs-test/x:1', 'localhost/a_b.c'])
      expect(IMAGE_REF.test(ok), ok).toBe(true);
    for (const bad of ['Redis', '../x', 'a//b', '-x', 'a:b:c', 'a b', 'x:tag/../y'])
      expect(IMAGE_REF.test(bad), bad).toBe(false);
  });
});
