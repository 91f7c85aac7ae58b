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
});
