import { describe, expect, it } from 'vitest';
import { moveIndex } from './keys';

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
