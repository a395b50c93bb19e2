import { describe, expect, it } from 'vitest';
import { moveIndex, shortcutFor, type Shortcut } from './keys';

describe('keyboard moves', () => {
  it('steps, jumps and stays in bounds', () => {
    expect(moveIndex('ArrowDown', 0, 5, 'vertical')).toBe(1);
    expect(moveIndex('ArrowUp', 0, 5, 'vertical')).toBe(0);
    expect(moveIndex('End', 1, 5, 'vertical')).toBe(4);
    expect(moveIndex('PageDown', 1, 5, 'vertical')).toBe(4);
    expect(moveIndex('ArrowRight', 4, 5, 'horizontal')).toBe(4);
    expect(moveIndex('Home', 3, 5, 'horizontal')).toBe(0);
    expect(moveIndex('ArrowDown', 0, 5, 'horizontal')).toBeNull();
    expect(moveIndex('x', 0, 5, 'vertical')).toBeNull();
  });
});

describe('shortcuts', () => {
  const ran: string[] = [];
  const list: Shortcut[] = [
    { key: 'c', run: () => ran.push('c') },
    { key: 'C', when: false, run: () => ran.push('C') },
    { key: '1', alt: true, run: () => ran.push('alt1') },
  ];
  const press = (key: string, o: Partial<{ alt: boolean; ctrl: boolean; tag: string }> = {}) =>
    shortcutFor(list, {
      key,
      altKey: o.alt ?? false,
      ctrlKey: o.ctrl ?? false,
      metaKey: false,
      target: o.tag ? ({ tagName: o.tag } as unknown as EventTarget) : null,
    })?.key ?? null;

  it('answers plain keys outside fields, Alt keys anywhere, never Ctrl keys or disabled ones', () => {
    expect(press('c')).toBe('c');
    expect(press('c', { tag: 'INPUT' })).toBeNull();
    expect(press('c', { tag: 'TEXTAREA' })).toBeNull();
    expect(press('c', { ctrl: true })).toBeNull();
    expect(press('c', { alt: true })).toBeNull();
    expect(press('C')).toBeNull();
    expect(press('1', { alt: true, tag: 'INPUT' })).toBe('1');
    expect(press('1')).toBeNull();
  });
});
