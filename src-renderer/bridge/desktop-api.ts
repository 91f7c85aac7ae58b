// The desktop-only methods (folders, the file manager, launch at login) as plain async functions;
// null in a browser, where the views leave those controls out.
import type { z } from 'zod';
import { desktopMethodNames, desktopMethods, type DesktopMethodName, type ShoalWindowApi } from '../../src-shared/api/ipc-contract.js';
import { unwrap } from './ipc-transport.js';

type Methods = typeof desktopMethods;
export type DesktopApi = {
  [K in DesktopMethodName]: (input: z.input<Methods[K]['input']>) => Promise<z.output<Methods[K]['output']>>;
};

export function createDesktopApi(shoal: ShoalWindowApi): DesktopApi {
  const api: Partial<Record<DesktopMethodName, (input: unknown) => Promise<unknown>>> = {};
  for (const name of desktopMethodNames) {
    const call = shoal.desktop[name] as (input: unknown) => Promise<Parameters<typeof unwrap>[0]>;
    api[name] = async (input) => desktopMethods[name].output.parse(unwrap(await call(input)));
  }
  return api as DesktopApi;
}
