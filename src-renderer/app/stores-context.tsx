// Hands the stores to the views; a hook per domain reads one slice and re-renders only on change.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { Stores } from '../stores/create-stores.js';

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores outside StoresProvider');
  return stores;
}

type StateOf<S> = S extends StoreApi<infer T> ? T : never;

/** `useDomain('library', (s) => s.total)` */
export function useDomain<K extends Exclude<keyof Stores, 'dispose' | 'downloadRate' | 'desktop' | 'downloadedFileUrl'>, U>(domain: K, selector: (state: StateOf<Stores[K]>) => U): U {
  const store = useStores()[domain] as unknown as StoreApi<unknown>;
  return useStore(store, selector as (state: unknown) => U);
}
