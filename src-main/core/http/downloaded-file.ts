// GET /api/v1/downloads/{id}/file: the local user saves a finished download from the browser.
// It reads the file where the download put it, so it works whether or not the file is shared
// (peers only ever get shared files, from /download/{fileId}).
import { stat } from 'node:fs/promises';
import type { Response } from 'express';
import { ShoalError } from '../../../src-shared/errors.js';
import type { DownloadView } from '../../../src-shared/api/transfers.js';

export interface FinishedDownloads {
  /** Throws DOWNLOAD_NOT_FOUND for an unknown id. */
  get(id: string): DownloadView;
}

export async function sendDownloadedFile(downloads: FinishedDownloads, downloadId: string, res: Response): Promise<void> {
  const d = downloads.get(downloadId);
  if (d.state !== 'completed' || !d.path) throw new ShoalError('DOWNLOAD_NOT_FINISHED');
  const path = d.path;
  const found = await stat(path).catch(() => null);
  if (!found?.isFile()) throw new ShoalError('DOWNLOADED_FILE_MISSING', `${d.name} is no longer at ${path} (moved or deleted).`);
  await new Promise<void>((resolve, reject) => {
    // `send` answers Range and conditional requests; the file's own name, always as an attachment
    // and never sniffed, so a downloaded page cannot run on the node's origin.
    res.download(path, d.name, { dotfiles: 'allow', cacheControl: false, headers: { 'X-Content-Type-Options': 'nosniff' } }, (err) => {
      if (!err) resolve();
      else if (res.headersSent) {
        res.destroy(); // cut mid-stream: nothing more can be answered
        resolve();
      } else reject((err as NodeJS.ErrnoException).code === 'ENOENT' ? new ShoalError('DOWNLOADED_FILE_MISSING') : err);
    });
  });
}
