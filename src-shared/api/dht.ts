// Settings → "Find and offer sources without an index server": the BitTorrent Mainline DHT
// (docs/downloads.md, "Sources without an index server").
import { z } from 'zod';

export const dhtSettingsSchema = z.object({
  enabled: z.boolean().describe('announce shared files on the DHT and look sources up in it'),
  state: z.enum(['off', 'starting', 'on', 'failed']),
  mode: z.enum(['public', 'private']).describe('public: the BitTorrent Mainline DHT; private: only the nodes of dht.bootstrap'),
  bootstrap: z.array(z.string()).describe('the private DHT\u2019s bootstrap nodes (host:port); empty in public mode'),
  port: z.number().int().nullable().describe('the UDP port while on'),
  nodes: z.number().int().describe('DHT nodes in the routing table'),
  announced: z.number().int().describe('files announced in the last re-announce period'),
  maxAnnounced: z.number().int().describe('files announced at most (dht.max_announced)'),
  lastError: z.string().nullable(),
});
export type DhtSettingsView = z.infer<typeof dhtSettingsSchema>;

export const dhtSettingsUpdateSchema = z.strictObject({ enabled: z.boolean() });
