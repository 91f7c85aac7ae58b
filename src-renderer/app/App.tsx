// The app: checks the token first (a stranger sees the "open the link" page), then the views.
import { useCallback, useEffect } from 'react';
import { ConnectionBanner } from '../components/ConnectionBanner.js';
import { LockedPage } from '../components/LockedPage.js';
import { UnreachablePage } from '../components/UnreachablePage.js';
import { DashboardView } from '../views/dashboard/DashboardView.js';
import { NetworkView } from '../views/network/NetworkView.js';
import { SearchView } from '../views/search/SearchView.js';
import { SettingsView } from '../views/settings/SettingsView.js';
import { ShareView } from '../views/share/ShareView.js';
import { TransfersView } from '../views/transfers/TransfersView.js';
import { Nav } from './Nav.js';
import { useViewPath } from './router.js';
import { useDomain, useStores } from './stores-context.js';

export function App({ hasToken }: { hasToken: boolean }) {
  const stores = useStores();
  const access = useDomain('network', (s) => s.access);

  const check = useCallback(() => void stores.network.getState().check(hasToken), [stores, hasToken]);
  useEffect(check, [check]);

  useEffect(() => {
    if (access !== 'ok') return;
    void stores.library.getState().refresh();
    void stores.transfers.getState().load();
    void stores.settings.getState().load();
    void stores.dashboard.getState().load(0);
  }, [stores, access]);

  if (access === 'checking') return <main className="locked muted">Connecting to the node…</main>;
  if (access === 'unreachable') return <UnreachablePage retry={check} />;
  if (access !== 'ok') return <LockedPage access={access} />;
  return (
    <div className="app">
      <Nav />
      <ConnectionBanner />
      <main className="content">
        <CurrentView />
      </main>
    </div>
  );
}

function CurrentView() {
  const path = useViewPath();
  switch (path) {
    case '/search':
      return <SearchView />;
    case '/transfers':
      return <TransfersView />;
    case '/dashboard':
      return <DashboardView />;
    case '/network':
      return <NetworkView />;
    case '/settings':
      return <SettingsView />;
    default:
      return <ShareView />;
  }
}
