// Downloads and uploads as the node API shows them: the Transfers view, `shoal get` and events.
import { z } from 'zod';
import { downloadErrorCodeSchema } from '../errors.js';
import { fileIdSchema, hostPortSchema } from './common.js';

export const downloadIdSchema = z.string().regex(/^[0-9a-f-]{36}$/, 'a download id is a UUID').describe('id of one download');

export const downloadStates = [
  'queued', // waiting for its turn to start
  'finding', // asking index servers (or the given peer) for the file and its piece list
  'downloading',
  'waiting', // no source is reachable now; asking again periodically
  'paused',
  'completed',
  'failed',
  'cancelled',
] as const;
export const downloadStateSchema = z.enum(downloadStates);
export type DownloadState = z.infer<typeof downloadStateSchema>;

/** A download still under way: it runs now, or goes on by itself (after a restart too). */
const runningStates: ReadonlySet<DownloadState> = new Set(['queued', 'finding', 'downloading', 'waiting']);
export const isRunningDownload = (state: DownloadState): boolean => runningStates.has(state);

export const sourceStates = ['active', 'idle', 'standby', 'busy', 'backoff', 'dropped'] as const;

export const downloadSourceSchema = z.object({
  url: z.string().describe('the download address on that peer'),
  peerId: z.string().nullable(),
  name: z.string().nullable(),
  state: z.enum(sourceStates).describe('busy: the peer said it is full (503) and when to come back; standby: not used now, nearer or faster sources serve (more sources than transfers.max_sources_per_download)'),
  bytes: z.number().int().describe('verified bytes this source gave'),
  speed: z.number().describe('bytes/s over the last seconds'),
  reason: z.string().nullable().describe('why it is dropped or backing off'),
  encrypted: z.boolean().describe('fetched over TLS, the source proven by its node key (a lock in the UI)'),
  rttMs: z.number().int().min(0).max(60_000).nullable().describe('round trip to this source as this node measured it (ms, a moving average); null until measured'),
});
export type DownloadSource = z.infer<typeof downloadSourceSchema>;

export const downloadViewSchema = z.object({
  id: downloadIdSchema,
  fileId: fileIdSchema,
  name: z.string(),
  size: z.number().int().nonnegative().nullable().describe('null until the file is found'),
  state: downloadStateSchema,
  bytesVerified: z.number().int(),
  piecesVerified: z.number().int(),
  pieceCount: z.number().int().nullable(),
  speed: z.number().describe('bytes/s, smoothed over a few seconds'),
  etaSeconds: z.number().nullable(),
  sources: z.array(downloadSourceSchema),
  path: z.string().nullable().describe('where the finished file is'),
  error: z.object({ code: downloadErrorCodeSchema, message: z.string() }).nullable().describe('why it failed or waits by itself'),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});
export type DownloadView = z.infer<typeof downloadViewSchema>;


export const startDownloadSchema = z.strictObject({
  fileId: fileIdSchema,
  peer: hostPortSchema.optional().describe('a peer to fetch from, besides the sources the index servers know'),
  name: z.string().min(1).max(255).optional().describe('a name to save under (default: the name sources give)'),
});
export type StartDownload = z.infer<typeof startDownloadSchema>;

/**
 * The node id a downloader says it is. A claim, never proof (the TLS client key is the proof): it
 * can only make a node stricter (a blocked device's claim is refused), never name an upload row.
 */
export const PEER_ID_HEADER = 'x-shoal-peer';

/** One downloader fetching one file, for the whole transfer (all its range requests). */
export const uploadViewSchema = z.object({
  id: z.number().int(),
  fileId: fileIdSchema,
  name: z.string(),
  peer: z.string().describe('who fetches it: the node id it proved (its TLS client key), else its address'),
  address: z.string().describe('the address fetching it'),
  peerId: z.string().nullable().describe('the node id the downloader proved over TLS; null in plain HTTP'),
  bytes: z.number().int().describe('bytes sent, repeats included'),
  progress: z.number().int().describe('distinct bytes of the file sent so far'),
  size: z.number().int().describe('the file\u2019s size'),
  speed: z.number(),
  active: z.boolean().describe('a range request is being answered now (false: between ranges, or finished)'),
  encrypted: z.boolean().describe('sent over TLS (its last range request); the downloader is then proven by its node key (a lock in the UI)'),
  startedAt: z.string(),
});
export type UploadView = z.infer<typeof uploadViewSchema>;

export const transferSettingsSchema = z.object({
  maxDownloadRate: z.number().int().nonnegative().describe('bytes/s, 0 = unlimited'),
  maxUploadRate: z.number().int().nonnegative().describe('bytes/s, 0 = unlimited'),
  maxUploads: z.number().int().min(1).max(1000).describe('concurrent uploads; more get 503 with Retry-After'),
  uploadQuotaPerPeer: z.number().int().nonnegative().describe('bytes one peer may fetch per hour, 0 = unlimited'),
  shareDownloads: z.boolean().describe('a finished download joins the library'),
  downloadDirectory: z.string(),
});
export type TransferSettings = z.infer<typeof transferSettingsSchema>;
export const transferSettingsUpdateSchema = transferSettingsSchema.omit({ downloadDirectory: true }).partial().strict();
