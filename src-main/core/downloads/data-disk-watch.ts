// The data folder's disk, once a save failed because it is full: its free space is looked at every
// so often, and when there is room again the downloads that stopped for it go on by themselves.
// While it is full the manager starts nothing: a download that cannot save its progress would
// fetch pieces only to fetch them again after a restart.
import { diskIsFull } from '../store/disk-full.js';

const POLL_MS = 1_000;

type DiskState = 'ok' | 'full';

export class DataDiskWatch {
  private state: DiskState = 'ok';
  private timer: NodeJS.Timeout | undefined;

  /** `onSpace`: the disk has room again (called once per time it was full). */
  constructor(private readonly directory: string, private readonly onSpace: () => void, private readonly pollMs = POLL_MS) {}

  get full(): boolean {
    return this.state === 'full';
  }

  /** A write failed for want of space: wait for it to return. */
  markFull(): void {
    if (this.state === 'full') return;
    this.state = 'full';
    this.timer = setInterval(() => void this.look(), this.pollMs);
  }

  close(): void {
    clearInterval(this.timer);
  }

  private async look(): Promise<void> {
    if (this.state !== 'full' || (await diskIsFull(this.directory).catch(() => true))) return;
    if (this.state !== 'full') return; // two looks raced
    this.state = 'ok';
    clearInterval(this.timer);
    this.onSpace();
  }
}
