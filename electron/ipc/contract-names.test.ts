// The one naming rule of the contract: calls are `<domain>.<verb>`, events `<domain>.<past tense>`,
// domains plural (a collection) unless the app holds one of them (app, doctor, library, catalog).
import { describe, expect, it } from 'vitest';
import { callNames, eventNames } from './contract-names';
import { events } from './contract';

const SINGLE = new Set(['app', 'doctor', 'library', 'catalog']);
const NAME = /^([a-z]+)\.([a-z][a-zA-Z]*)$/;
// The verbs a call may end in: an imperative, or list/listX for reads.
const VERBS = new Set([
  'act',
  'add',
  'annotate',
  'cancel',
  'check',
  'clean',
  'create',
  'createLink',
  'delete',
  'describe',
  'diff',
  'export',
  'follow',
  'import',
  'list',
  'listRuns',
  'measure',
  'note',
  'open',
  'pause',
  'pick',
  'plan',
  'pull',
  'push',
  'remove',
  'rename',
  'restore',
  'run',
  'searchMemory',
  'set',
  'summarize',
  'test',
  'unfollow',
]);
// Irregular past tenses; the rest end in -ed.
const PAST = new Set(['ran']);

function domainOk(domain: string): boolean {
  return SINGLE.has(domain) || domain.endsWith('s');
}

describe('contract names', () => {
  it.each(callNames.map((n) => [n]))('call %s is <domain>.<verb>', (name) => {
    const m = NAME.exec(name);
    expect(m, name).not.toBeNull();
    expect(domainOk(m![1]!), `${name}: a plural domain`).toBe(true);
    expect(VERBS.has(m![2]!), `${name}: a verb`).toBe(true);
  });

  it.each(eventNames.map((n) => [n]))('event %s is <domain>.<past tense>', (name) => {
    const m = NAME.exec(name);
    expect(m, name).not.toBeNull();
    expect(domainOk(m![1]!), `${name}: a plural domain`).toBe(true);
    const verb = m![2]!;
    expect(verb.endsWith('ed') || verb.endsWith('Changed') || PAST.has(verb), `${name}: past tense`).toBe(
      true,
    );
  });

  it('gives every event a payload of its own', () => {
    const schemas = Object.values(events);
    expect(new Set(schemas).size).toBe(schemas.length);
  });

  it('refuses a name outside the rule (the rule is not vacuous)', () => {
    expect(NAME.test('checkpoint.create') && domainOk('checkpoint')).toBe(false);
    expect(VERBS.has('summary')).toBe(false);
  });
});
