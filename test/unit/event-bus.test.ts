import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src-main/core/events/event-bus.js';

describe('EventBus', () => {
  it('gives every listener the event even when one throws, and never throws into the publisher', () => {
    const failures: unknown[] = [];
    const bus = new EventBus<{ ping: { n: number } }>((err) => failures.push(err));
    const seen: number[] = [];
    bus.subscribe(() => {
      throw new Error('a broken listener');
    });
    bus.subscribe((event) => seen.push(event.data.n));
    expect(() => bus.publish('ping', { n: 1 })).not.toThrow();
    expect(seen).toEqual([1]);
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toContain('a broken listener');
  });

  it('builds lazy data once, when a listener first reads it, and never when none does', () => {
    const bus = new EventBus<{ ping: { n: number } }>();
    let builds = 0;
    const build = () => ({ n: ++builds });
    const types: string[] = [];
    const unsubscribe = bus.subscribe((event) => types.push(event.type));
    bus.publishLazy('ping', build);
    expect(types).toEqual(['ping']);
    expect(builds).toBe(0);

    const seen: unknown[] = [];
    bus.subscribe((event) => seen.push(event.data, event.data, JSON.parse(JSON.stringify(event)), { ...event }));
    bus.publishLazy('ping', build);
    expect(builds).toBe(1);
    const [first, again, json, spread] = seen as [{ n: number }, unknown, Record<string, unknown>, Record<string, unknown>];
    expect(again).toBe(first);
    // Serialised and copied like an event published with its data.
    expect(Object.keys(json)).toEqual(['type', 'data', 'timestamp']);
    expect(json).toMatchObject({ type: 'ping', data: { n: 1 } });
    expect(spread.data).toBe(first);
    unsubscribe();
  });
});
