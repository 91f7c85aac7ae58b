// The access-control routes' handlers (access-routes.ts), for both transports.
import type { accessRoutes } from '../../../src-shared/api/access-routes.js';
import type { CallHandlers } from '../api/call-input.js';
import type { Library } from '../library/library.js';
import type { Devices } from './devices.js';
import type { NetworkFilter } from './network-filter.js';

export interface AccessDeps {
  networks: NetworkFilter;
  devices: Devices;
  library: Pick<Library, 'roots' | 'setRootAccess'>;
}

type Routes = typeof accessRoutes;

export function accessHandlers(deps: AccessDeps): CallHandlers<Routes> {
  return {
    getNetworkSettings: () => deps.networks.get(),
    setNetworkSettings: ({ body }) => deps.networks.set(body),
    listDevices: () => ({ items: deps.devices.list() }),
    setDeviceState: ({ params, body }) => deps.devices.setState(params.deviceId, body.state),
    listSharedRoots: async () => ({ items: await deps.library.roots() }),
    setRootAccess: ({ body }) => deps.library.setRootAccess(body.path, body.access, body.devices),
  };
}
