// Moving through a list or a row of items by keyboard: which index a key leads to, or null.
export function moveIndex(
  key: string,
  index: number,
  count: number,
  axis: 'horizontal' | 'vertical',
): number | null {
  const next = axis === 'horizontal' ? 'ArrowRight' : 'ArrowDown';
  const prev = axis === 'horizontal' ? 'ArrowLeft' : 'ArrowUp';
  const to: Record<string, number> = { [next]: index + 1, [prev]: index - 1, Home: 0, End: count - 1 };
  if (axis === 'vertical') {
    to.PageDown = index + 10;
    to.PageUp = index - 10;
  }
  const t = to[key];
  return t === undefined ? null : Math.max(0, Math.min(count - 1, t));
}
