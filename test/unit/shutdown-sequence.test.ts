// A node stops every service even when one of them fails to close.
import { describe, expect, it } from 'vitest';
import { runShutdown } from '../../src-main/core/node/shutdown-sequence.js';

describe('the shutdown sequence', () => {
  it('runs every step in order, a throwing or rejecting one reported and passed', async () => {
    const ran: string[] = [];
    const failed: [string, string][] = [];
    await runShutdown([
      { name: 'a', run: () => void ran.push('a') },
      { name: 'b', run: () => { ran.push('b'); throw new Error('b broke'); } },
      { name: 'c', run: async () => { ran.push('c'); await Promise.reject(new Error('c broke')); } },
      { name: 'database', run: () => void ran.push('database') },
    ], (step, err) => failed.push([step, (err as Error).message]));
    expect(ran).toEqual(['a', 'b', 'c', 'database']);
    expect(failed).toEqual([['b', 'b broke'], ['c', 'c broke']]);
  });
});
