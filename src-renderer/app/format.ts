// Numbers for people.
import { formatBytes, formatDuration } from '../../src-shared/format-bytes.js';

export { formatBytes, formatDuration };

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

export function percent(part: number, whole: number | null): number {
  if (!whole) return part > 0 ? 100 : 0;
  return Math.min(100, Math.round((part / whole) * 100));
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

/** How long ago (or in how long) `iso` is from `now`, in the largest unit that fits: "5 sec. ago", "3 hr. ago". */
export function formatAgo(iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (Math.abs(seconds) < 60) return relative.format(seconds, 'second');
  if (Math.abs(seconds) < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (Math.abs(seconds) < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86_400), 'day');
}
