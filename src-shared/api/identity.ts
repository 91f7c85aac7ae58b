// Who this node is, as Settings → "This device" shows it: its node id (the Ed25519 public key,
// src-shared/node-id.ts) and the display name the user gives it (default: the config's
// peer.name, itself the host name). The name is what other people see in search results,
// sources, uploads and the topology; an index server adds a short-id suffix when two peers
// share one (src-main/core/index/display-names.ts).
import { z } from 'zod';

/** How long a display name may be: room for "Ada's laptop (upstairs)", not a paragraph. */
export const DISPLAY_NAME_MAX = 64;

// C0/C1 controls, line and paragraph separators, bidi overrides and isolates: a name must not
// break a line, a table or the direction of the text around it.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

export const displayNameSchema = z.string()
  .trim()
  .min(1, 'a name cannot be empty')
  .max(DISPLAY_NAME_MAX, `a name is at most ${DISPLAY_NAME_MAX} characters`)
  .refine((name) => !UNPRINTABLE.test(name), 'a name cannot hold control characters, line breaks or direction marks')
  .describe('what other people see this node as');

export const identityViewSchema = z.object({
  id: z.string().describe('the node id: this install\u2019s Ed25519 public key, 8 groups of 7'),
  shortId: z.string().describe('the id\u2019s first group, as names are told apart on screen'),
  name: z.string().describe('the display name in use'),
  defaultName: z.string().describe('the name used when none is set (the config\u2019s peer.name: the host name)'),
  custom: z.boolean().describe('a name was set here (false: the default is in use)'),
});
export type IdentityView = z.infer<typeof identityViewSchema>;

export const identityUpdateSchema = z.strictObject({
  name: displayNameSchema.nullable().describe('null goes back to the default name'),
});
