// A log destination that keeps lines back until released, then passes them on in order: so a
// person starting `shoal serve` reads the summary first, not after a screen of JSON start-up lines.
import type { DestinationStream } from 'pino';

export interface HeldDestination extends DestinationStream {
  release(): void;
  flush?(): void;
}

export function holdLines(target: DestinationStream & { flush?(): void }): HeldDestination {
  let held: string[] | undefined = [];
  return {
    write(line: string) {
      if (held) held.push(line);
      else target.write(line);
    },
    release() {
      const lines = held ?? [];
      held = undefined;
      for (const line of lines) target.write(line);
    },
    flush() {
      target.flush?.();
    },
  };
}
