import { describe, expect, it } from 'vitest';
import { formatAgo } from './format.js';

describe('formatAgo', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  const before = (seconds: number) => new Date(now - seconds * 1000).toISOString();
  const ago = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

  it('says how long ago in the largest unit that fits', () => {
    expect(formatAgo(before(5), now)).toBe(ago.format(-5, 'second'));
    expect(formatAgo(before(59), now)).toBe(ago.format(-59, 'second'));
    expect(formatAgo(before(170), now)).toBe(ago.format(-3, 'minute'));
    expect(formatAgo(before(2 * 3600), now)).toBe(ago.format(-2, 'hour'));
    expect(formatAgo(before(3 * 86_400), now)).toBe(ago.format(-3, 'day'));
    expect(formatAgo(before(5), now)).toMatch(/^5 sec\S* ago$/);
  });
});
