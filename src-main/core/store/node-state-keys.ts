// Every value the node keeps in node_meta, declared once: the row's key, the codec between the
// stored text and the typed value (state-codecs.ts; its zod schema checks both ways), and the value
// read when none is stored or the stored one no longer reads. A default of null means "not set:
// the caller's default decides" (mostly the config file's value, which can change between runs).
// The keys and formats are older than this table: existing databases must read the same values,
// so a key is never renamed, and a format that must change gets a numbered migration
// (migrations.ts) rewriting the stored rows, with a test.
import type { z } from 'zod';
import { networkSettingsSchema } from '../../../src-shared/api/access.js';
import { hostPortSchema } from '../../../src-shared/api/common.js';
import { MAX_ADDED_FEDERATION } from '../../../src-shared/api/federation.js';
import { displayNameSchema } from '../../../src-shared/api/identity.js';
import { MAX_INDEX_PINS, pinnedIndexAddressSchema, writtenIndexAddressSchema } from '../../../src-shared/api/index-address.js';
import { MAX_ADDED_INDEX_SERVERS } from '../../../src-shared/api/peer-routes.js';
import { transferSettingsSchema } from '../../../src-shared/api/transfers.js';
import { flag, integerText, jsonFields, jsonList, optionalText } from './state-codecs.js';

/** One node_meta row: its key, how its text reads (the codec) and what is read without one. */
function stateKey<C extends z.ZodType<unknown, string>, D extends z.output<C> | null>(key: string, codec: C, fallback: D) {
  return { key, codec, fallback };
}

export const nodeStateKeys = {
  /** Settings → This device (identity/display-name.ts): the name the user set; null: the config's peer.name. */
  displayName: stateKey('display_name', optionalText(displayNameSchema), null),
  /** Settings → Transfers (transfers/transfer-settings.ts): the fields the user changed, JSON. */
  transferSettings: stateKey('transfer_settings', jsonFields(transferSettingsSchema.omit({ downloadDirectory: true }).shape), {}),
  /** Settings → Access (access/network-filter.ts): the network lists and the plain-HTTP switch the user changed, JSON. */
  networkSettings: stateKey('network_settings', jsonFields(networkSettingsSchema.shape), {}),
  /** Index servers added by hand (index-client/added-index-servers.ts), a JSON list of "host:port". */
  addedIndexServers: stateKey('added_index_servers', jsonList(hostPortSchema, MAX_ADDED_INDEX_SERVERS), []),
  /** The node id each index server address proved first, or was given in Settings (net/index-pins.ts): a JSON list of "host:port#NODEID", least recently used first. */
  indexPins: stateKey('index_pins', jsonList(pinnedIndexAddressSchema, MAX_INDEX_PINS), []),
  /** Index servers added to the federation in Settings (index/federation/added-federation.ts), a JSON list of "host:port" or "host:port#NODEID". */
  federationAdded: stateKey('federation_added', jsonList(writtenIndexAddressSchema, MAX_ADDED_FEDERATION), []),
  /** "Run as index server" (index/index-role.ts), 'on' or 'off': whether the role was on when the node last ran. */
  indexRole: stateKey('index_role', flag('on', 'off'), false),
  /** The index port chosen in Settings when the config's was taken (index/index-role.ts); null: the config's. */
  indexPort: stateKey('index_port', integerText(1, 65_535), null),
  /** "Find and offer sources without an index server" (dht/dht-service.ts), '1' or '0'; null: the config's dht.enabled. */
  dhtEnabled: stateKey('dht_enabled', flag('1', '0'), null),
};

export type NodeStateName = keyof typeof nodeStateKeys;
