import { describe, expect, it } from 'vitest';
import { byteSizeSchema, durationSchema, parseByteSize, parseDuration, UnitError } from '../../src-main/core/config/units.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1m30s', 90_000],
    ['1h 30m', 5_400_000],
    ['1.5s', 1500],
    [' 30s ', 30_000],
    ['30', 30_000],
    ['0', 0],
    [30, 30_000],
    [0.25, 250],
  ] as const)('%j is %i ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', '30x', 's', '5M', '30sec', '-5s', '1m-30s', 'thirty seconds'])('rejects %j', (input) => {
    expect(() => parseDuration(input)).toThrow(UnitError);
  });

  it('rejects negative and non-finite numbers', () => {
    expect(() => parseDuration(-1)).toThrow(UnitError);
    expect(() => parseDuration(Number.POSITIVE_INFINITY)).toThrow(UnitError);
  });
});

describe('parseByteSize', () => {
  it.each([
    ['0', 0],
    ['100', 100],
    ['100B', 100],
    ['512KiB', 512 * 1024],
    ['1KB', 1024],
    ['100MB', 100 * 1024 ** 2],
    ['100mb', 100 * 1024 ** 2],
    ['1.5GB', 1.5 * 1024 ** 3],
    ['1GiB', 1024 ** 3],
    ['2 TB', 2 * 1024 ** 4],
    [4096, 4096],
  ] as const)('%j is %i bytes', (input, bytes) => {
    expect(parseByteSize(input)).toBe(bytes);
  });

  it.each(['', 'MB', '100XB', '-1MB', '1,5GB', 'lots'])('rejects %j', (input) => {
    expect(() => parseByteSize(input)).toThrow(UnitError);
  });

  it('rejects fractional, negative and unsafe byte counts', () => {
    expect(() => parseByteSize(1.5)).toThrow(UnitError);
    expect(() => parseByteSize(-1)).toThrow(UnitError);
    expect(() => parseByteSize('99999999999TB')).toThrow(/too large/);
  });
});

describe('unit schemas', () => {
  it('accept strings and numbers and output milliseconds / bytes', () => {
    expect(durationSchema.parse('1m30s')).toBe(90_000);
    expect(durationSchema.parse(2)).toBe(2000);
    expect(byteSizeSchema.parse('1MiB')).toBe(1024 ** 2);
    expect(byteSizeSchema.parse(10)).toBe(10);
  });

  it('report bad values with a message saying what is expected', () => {
    const duration = durationSchema.safeParse('soon');
    expect(duration.success).toBe(false);
    expect(duration.error?.issues[0]?.message).toMatch(/"soon" is not a duration like "500ms", "30s"/);

    const size = byteSizeSchema.safeParse(true);
    expect(size.success).toBe(false);
    expect(size.error?.issues[0]?.message).toMatch(/expected a size like/);
  });
});
