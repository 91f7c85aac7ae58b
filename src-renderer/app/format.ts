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
