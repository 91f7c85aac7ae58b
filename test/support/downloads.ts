// Helpers for download tests: start a download through the control API and wait for a state.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallInput } from '../../src-shared/api/contract-client.js';
import type { peerRoutes } from '../../src-shared/api/peer-routes.js';
import type { DownloadState, DownloadView } from '../../src-shared/api/transfers.js';
import { pollUntil } from './poll.js';
import { fileIdOf } from './reference-tree.js';
import { startTestNode, type TestNode } from './test-node.js';

/** Random bytes that compress to nothing, with their file id. */
export function randomContent(bytes: number): { data: Buffer; id: string } {
  const data = randomBytes(bytes);
  return { data, id: fileIdOf(data) };
}

/** A node sharing `files` (name → bytes), once it has hashed them all: the source of a download test. */
export async function startSharingNode(files: Record<string, Buffer>): Promise<TestNode> {
  const node = await startTestNode();
  for (const [name, data] of Object.entries(files)) await writeFile(join(node.sharedDir, name), data);
  const count = Object.keys(files).length;
  await pollUntil(async () => (await node.client.listFiles()).total === count, 'the source to hash its files');
  return node;
}

export function startDownload(node: TestNode, body: CallInput<typeof peerRoutes['startDownload']>['body']): Promise<DownloadView> {
  return node.client.startDownload({ body });
}

export const downloadView = (node: TestNode, downloadId: string) => node.client.getDownload({ params: { downloadId } });

export async function waitForDownload(node: TestNode, id: string, until: DownloadState | ((d: DownloadView) => boolean), timeoutMs = 20_000): Promise<DownloadView> {
  let last: DownloadView | undefined;
  await pollUntil(async () => {
    last = await downloadView(node, id);
    if (typeof until === 'function') return until(last);
    return last.state === until || (until !== 'failed' && last.state === 'failed');
  }, `download ${typeof until === 'string' ? until : 'condition'}`, timeoutMs);
  if (until !== 'failed' && last!.state === 'failed') throw new Error(`download failed: ${last!.error?.message}`);
  return last!;
}

export function action(node: TestNode, downloadId: string, what: 'pause' | 'resume'): Promise<DownloadView> {
  return what === 'pause' ? node.client.pauseDownload({ params: { downloadId } }) : node.client.resumeDownload({ params: { downloadId } });
}

export async function bytesSent(node: TestNode): Promise<number> {
  return (await node.publicClient.getStats()).uploads.bytesSent;
}
