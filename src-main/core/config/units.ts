// Durations and byte sizes as people write them in config files ("30s", "1m30s", "100MB"),
// turned into plain numbers (milliseconds, bytes) that the rest of the node works with.
import { z } from 'zod';

const MS_PER_UNIT: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

// KB/MB/GB/TB are 1024-based, as in most file-sharing apps and in every OS file dialog that
// users compare against; KiB/MiB/GiB/TiB say the same thing explicitly.
const BYTES_PER_UNIT: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

const DURATION_HINT = 'a duration like "500ms", "30s", "5m", "1h", "1m30s", or a number of seconds';
const SIZE_HINT = 'a size like "512KiB", "100MB", "1.5GB", or a number of bytes';

/** Thrown by parseDuration / parseByteSize; the message says what was expected. */
export class UnitError extends Error {
  override name = 'UnitError';
}

const DURATION_PART = /(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d)/y;
const NUMBER_ONLY = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*$/;

/** A duration in milliseconds. A bare number (or numeric string) means seconds. */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') return secondsToMs(input, String(input));
  const bare = NUMBER_ONLY.exec(input);
  if (bare?.[1] !== undefined) return secondsToMs(Number(bare[1]), input);

  const text = input.trim();
  let total = 0;
  let at = 0;
  while (at < text.length) {
    DURATION_PART.lastIndex = at;
    const part = DURATION_PART.exec(text);
    if (!part?.[1] || !part[2]) throw new UnitError(`"${input}" is not ${DURATION_HINT}`);
    total += Number(part[1]) * (MS_PER_UNIT[part[2]] ?? Number.NaN);
    at = DURATION_PART.lastIndex;
    while (text[at] === ' ') at += 1; // "1m 30s" reads fine too
  }
  if (text.length === 0) throw new UnitError(`an empty value is not ${DURATION_HINT}`);
  return checkedMs(total, input);
}

function secondsToMs(seconds: number, shown: string): number {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new UnitError(`${shown} is not ${DURATION_HINT}`);
  }
  return checkedMs(seconds * 1000, shown);
}

function checkedMs(ms: number, shown: string): number {
  const rounded = Math.round(ms);
  if (!Number.isSafeInteger(rounded)) throw new UnitError(`"${shown}" is too long a duration`);
  return rounded;
}

const SIZE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i;

/** A size in bytes. A bare number (or numeric string) means bytes; units are case-insensitive. */
export function parseByteSize(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input < 0) {
      throw new UnitError(`${input} is not a whole, non-negative number of bytes`);
    }
    return input;
  }
  const match = SIZE.exec(input);
  const unit = match?.[2]?.toLowerCase() ?? '';
  const factor = unit === '' ? 1 : BYTES_PER_UNIT[unit];
  if (!match?.[1] || factor === undefined) throw new UnitError(`"${input}" is not ${SIZE_HINT}`);
  const bytes = Math.round(Number(match[1]) * factor);
  if (!Number.isSafeInteger(bytes)) throw new UnitError(`"${input}" is too large a size`);
  return bytes;
}

/** Wraps a parser as a zod transform that reports its UnitError as a validation issue. */
function unitSchema(parse: (input: string | number) => number, hint: string) {
  return z
    .union([z.string(), z.number()], { error: `expected ${hint}` })
    .transform((input, ctx) => {
      try {
        return parse(input);
      } catch (error) {
        if (!(error instanceof UnitError)) throw error;
        ctx.issues.push({ code: 'custom', message: error.message, input });
        return z.NEVER;
      }
    });
}

/** Accepts "30s", "1m30s", 30 (seconds) …; outputs milliseconds. */
export const durationSchema = unitSchema(parseDuration, DURATION_HINT);

/** Accepts "100MB", "512KiB", 1024 (bytes) …; outputs bytes. */
export const byteSizeSchema = unitSchema(parseByteSize, SIZE_HINT);
