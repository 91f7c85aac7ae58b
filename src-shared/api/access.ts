// Access control (issue 14): which networks may reach this node, the devices it has seen (and
// which are blocked or trusted), and who may see each shared folder or file.
import { z } from 'zod';
import { nodeIdSchema } from '../node-id.js';

/** At most this many networks in each list, and devices on one shared folder. */
export const MAX_NETWORKS = 256;
export const MAX_DEVICES_PER_ROOT = 256;

/** An IPv4 or IPv6 network in CIDR form ("192.168.1.0/24", "fd00::/8"), or one address. */
export const networkSchema = z
  .string()
  .trim()
  .max(64)
  .refine((value) => [z.cidrv4(), z.cidrv6(), z.ipv4(), z.ipv6()].some((s) => s.safeParse(value).success), {
    error: 'expected a network like "192.168.1.0/24" or "fd00::/8", or one address',
  });

export const networkSettingsSchema = z.object({
  allowedNetworks: z.array(networkSchema).max(MAX_NETWORKS)
    .describe('only these networks may reach the peer and index ports (empty: every network); the local user on loopback always may'),
  blockedNetworks: z.array(networkSchema).max(MAX_NETWORKS)
    .describe('these networks get 403 NETWORK_BLOCKED on the peer and index ports and are never used or listed as sources'),
  allowPlainHttp: z.boolean()
    .describe('strangers may use plain HTTP too (curl, aria2c, BitTorrent web seeds); off: only TLS from other Shoal nodes (403 PLAIN_HTTP_REFUSED); the local user always may'),
});
export type NetworkSettings = z.infer<typeof networkSettingsSchema>;

export const networkSettingsUpdateSchema = networkSettingsSchema.partial();

export const deviceStates = ['none', 'trusted', 'blocked'] as const;
export const deviceStateSchema = z.enum(deviceStates)
  .describe('blocked: refused on the peer and index ports; trusted: marked by the user (shown first); none: neither');
export type DeviceState = z.infer<typeof deviceStateSchema>;

export const deviceSchema = z.object({
  id: z.string().describe('the device\u2019s node id (its public key)'),
  name: z.string().nullable().describe('the name it last gave (registration, source lists); null when none is known'),
  state: deviceStateSchema,
  firstSeen: z.string().describe('ISO 8601'),
  lastSeen: z.string().describe('ISO 8601'),
  lastAddress: z.string().nullable().describe('the address it was last seen at'),
  bytesSent: z.number().int().nonnegative().describe('bytes this node served it'),
  bytesReceived: z.number().int().nonnegative().describe('bytes this node downloaded from it (verified)'),
});
export type Device = z.infer<typeof deviceSchema>;

export const deviceParamsSchema = z.object({ deviceId: nodeIdSchema });
export const setDeviceStateSchema = z.object({ state: deviceStateSchema });

export const rootAccessModes = ['everyone', 'devices'] as const;
export const rootAccessModeSchema = z.enum(rootAccessModes)
  .describe('everyone: any peer sees and downloads its files; devices: only the listed devices do (authenticated by their keys)');
export type RootAccessMode = z.infer<typeof rootAccessModeSchema>;

export const sharedRootSchema = z.object({
  path: z.string().describe('the shared folder, or a file or folder shared by hand'),
  kind: z.enum(['folder', 'file']),
  sharedFolder: z.boolean().describe('true for the configured shared folder'),
  access: rootAccessModeSchema,
  devices: z.array(z.string()).describe('node ids that may see it when access is "devices"'),
  fileCount: z.number().int().nonnegative(),
});
export type SharedRoot = z.infer<typeof sharedRootSchema>;

export const setRootAccessSchema = z.object({
  path: z.string().min(1).max(4096).describe('a path listed by GET /api/v1/library/roots'),
  access: rootAccessModeSchema,
  devices: z.array(nodeIdSchema).max(MAX_DEVICES_PER_ROOT).default([]),
});
