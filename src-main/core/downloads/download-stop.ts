// How a run of a download ends on purpose: with a state and a reason a person understands.
import type { DownloadErrorCode } from '../../../src-shared/errors.js';

/** Ends a run: `waiting` tries again later by itself, `failed` waits for the user. */
export class DownloadStop extends Error {
  constructor(readonly state: 'failed' | 'waiting', readonly code: DownloadErrorCode, message: string) {
    super(message);
  }
}

export const DATA_DISK_FULL = 'The disk holding Shoal\'s data folder is full, so this download\'s progress cannot be saved. It goes on by itself once there is room.';

/** The last save failed for want of space on the data disk: the run stops, to go on once there is room. */
export const dataDiskFullStop = (): DownloadStop => new DownloadStop('failed', 'DISK_FULL', DATA_DISK_FULL);
