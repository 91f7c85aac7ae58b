// What the desktop app's Settings shows about updates, as the main process reports it over IPC.
// "notify" releases (macOS until the app is signed) are not installed: the user gets a link.
import { z } from 'zod';

export const updateStatusSchema = z.discriminatedUnion('state', [
  /** The switch is off, or this is no packaged app (a checkout, the browser). */
  z.object({ state: z.literal('off') }),
  z.object({ state: z.literal('checking') }),
  z.object({ state: z.literal('current'), checkedAt: z.string() }),
  /** A newer release this app cannot install itself: the user downloads it from the release page. */
  z.object({ state: z.literal('notify'), version: z.string(), releaseUrl: z.url() }),
  z.object({ state: z.literal('downloading'), version: z.string(), percent: z.number().min(0).max(100) }),
  /** Downloaded and verified: installed when the app quits. */
  z.object({ state: z.literal('ready'), version: z.string() }),
  z.object({ state: z.literal('failed'), message: z.string() }),
]);
export type UpdateStatus = z.infer<typeof updateStatusSchema>;
