import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLogger } from '../../src-main/core/logger.js';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-logger-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

it('writes JSON lines to a file, creating its folder, at the configured level', () => {
  const file = path.join(tmp, 'logs', 'shoal.log');
  const logger = createLogger({ level: 'warn', format: 'json', output: file });
  logger.info('hidden');
  logger.warn({ port: 9001 }, 'shown');
  logger.flush();
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ level: 40, msg: 'shown', port: 9001 });
});

it('writes readable lines without colour codes when the format is pretty', () => {
  const file = path.join(tmp, 'pretty.log');
  const logger = createLogger({ level: 'debug', format: 'pretty', output: file });
  logger.debug({ peer: 'vm' }, 'hello there');
  logger.flush();
  const text = fs.readFileSync(file, 'utf8');
  expect(text).toMatch(/DEBUG.*hello there/);
  expect(text).toContain('peer: "vm"');
  expect(text).not.toContain('\u001b[');
});
