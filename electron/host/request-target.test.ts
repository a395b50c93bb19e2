import { describe, expect, it } from 'vitest';
import { isJsonContentType, jsonDepth, parseTarget, safeDecode } from './request-target';

describe('request targets', () => {
  it('parses what a browser sends, folding slashes so no path turns protocol-relative', () => {
    expect(parseTarget('/api/call/engines.list?x=1')).toMatchObject({ pathname: '/api/call/engines.list' });
    expect(parseTarget('//evil.example/x')?.pathname).toBe('/evil.example/x');
    expect(parseTarget('/.//a///b')?.pathname).toBe('/./a/b');
    expect(parseTarget('/?token=abc')?.query.get('token')).toBe('abc');
  });

  it('refuses, without throwing, what no browser sends', () => {
    for (const bad of [undefined, '', '*', 'http://x/', '/a b', '/a\u0000', '/%E0%A4%A', '/'.repeat(9000)])
      expect(parseTarget(bad)).toBeNull();
    expect(safeDecode('%E0%A4%A')).toBeNull();
    // Malformed escapes in the query decode to U+FFFD: a wrong token, never a crash.
    expect(parseTarget('/?token=%E0%A4%A')?.query.get('token')).toContain('\ufffd');
  });

  it('measures JSON nesting without parsing it, ignoring brackets in strings', () => {
    expect(jsonDepth('{"a":[1,{"b":2}]}', 64)).toBe(3);
    expect(jsonDepth('{"a":"[[[[[[[["}', 64)).toBe(1);
    expect(jsonDepth('"\\"[["', 64)).toBe(0);
    expect(jsonDepth('['.repeat(100_000), 64)).toBe(65);
  });

  it('takes application/json, with parameters, and nothing else', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('application/json; charset=utf-8')).toBe(true);
    expect(isJsonContentType('Application/JSON')).toBe(true);
    for (const bad of ['application/jsonfoo', 'text/plain', 'application/json-patch+json', undefined, ''])
      expect(isJsonContentType(bad)).toBe(false);
  });
});
