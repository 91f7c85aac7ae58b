// The access-control part of the peer API (issue 14), spread into peerRoutes: the network
// filter, the devices this node has seen, and who may see each shared folder. All control routes.
import { z } from 'zod';
import {
  deviceParamsSchema,
  deviceSchema,
  networkSettingsSchema,
  networkSettingsUpdateSchema,
  setDeviceStateSchema,
  setRootAccessSchema,
  sharedRootSchema,
} from './access.js';
import type { RouteSpec } from './peer-routes.js';

export const accessRoutes = {
  getNetworkSettings: {
    method: 'get', path: '/api/v1/settings/networks', access: 'control',
    summary: 'The networks allowed and blocked on the peer and index ports', response: networkSettingsSchema,
  },
  setNetworkSettings: {
    method: 'put', path: '/api/v1/settings/networks', access: 'control',
    summary: 'Change the allowed and blocked networks, live (kept across restarts)',
    body: networkSettingsUpdateSchema, response: networkSettingsSchema,
  },
  listDevices: {
    method: 'get', path: '/api/v1/devices', access: 'control',
    summary: 'The devices this node has seen by their keys (trusted first, then the most recently seen)',
    response: z.object({ items: z.array(deviceSchema) }),
  },
  setDeviceState: {
    method: 'put', path: '/api/v1/devices/:deviceId', access: 'control',
    summary: 'Block, trust or clear a device (a blocked one is refused on the peer and index ports)',
    params: deviceParamsSchema, body: setDeviceStateSchema, response: deviceSchema,
  },
  listSharedRoots: {
    method: 'get', path: '/api/v1/library/roots', access: 'control',
    summary: 'The shared folder and the paths shared by hand, with who may see each',
    response: z.object({ items: z.array(sharedRootSchema) }),
  },
  setRootAccess: {
    method: 'put', path: '/api/v1/library/roots/access', access: 'control',
    summary: 'Share a shared folder (or file) with everyone, or only with these devices, live',
    body: setRootAccessSchema, response: sharedRootSchema,
  },
} as const satisfies Record<string, RouteSpec>;
