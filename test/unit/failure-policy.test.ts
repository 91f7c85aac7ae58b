// The entry points' policy for errors nobody caught: a stray rejection is logged and the process
// keeps serving; an uncaught exception is logged and the process exits 1.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installFailurePolicy, stderrReport } from '../../src-main/core/node/failure-policy.js';

function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  return { emitter, exits, proc: Object.assign(emitter, { exit: (code: number) => void exits.push(code) }) };
}

describe('the failure policy', () => {
  it('logs an unhandled rejection and keeps running; logs an uncaught exception and exits 1', () => {
    const { proc, exits } = fakeProcess();
    const early: string[] = [];
    const policy = installFailurePolicy(proc as never, stderrReport({ write: (t: string) => early.push(t) }));
    proc.emit('unhandledRejection', new Error('before the logger'));
    expect(early).toEqual([expect.stringMatching(/^shoal: unhandledRejection: Error: before the logger/)]);
    const logged: [string, unknown][] = [];
    policy.reportTo((kind, err) => logged.push([kind, err]));
    const stray = new Error('a stray promise');
    proc.emit('unhandledRejection', stray);
    expect(logged).toEqual([['unhandledRejection', stray]]);
    expect(exits).toEqual([]);
    const thrown = new Error('thrown out of the loop');
    proc.emit('uncaughtException', thrown);
    expect(logged[1]).toEqual(['uncaughtException', thrown]);
    expect(exits).toEqual([1]);
    policy.dispose();
    expect(proc.listenerCount('unhandledRejection') + proc.listenerCount('uncaughtException')).toBe(0);
  });

  it('exits 1 even when the report itself throws', () => {
    const { proc, exits } = fakeProcess();
    installFailurePolicy(proc as never, () => {
      throw new Error('the log is gone');
    });
    expect(() => proc.emit('uncaughtException', new Error('x'))).toThrow('the log is gone');
    expect(exits).toEqual([1]);
  });
});
