// Start-up: pick the transport (HTTP/WS here; Electron's IPC once it exists), build the stores,
// apply the theme before the first paint, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { StoresProvider } from './app/stores-context.js';
import { applyTheme, readTheme } from './app/theme.js';
import { createBridge } from './bridge/create-bridge.js';
import { HttpTransport } from './bridge/http-transport.js';
import { takeToken } from './bridge/token.js';
import { createStores } from './stores/create-stores.js';
import './styles/app.css';

applyTheme(readTheme());
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => applyTheme(readTheme()));

const token = takeToken(location, history, sessionStorage);
const bridge = createBridge(new HttpTransport({ baseUrl: location.origin, token }));
const stores = createStores(bridge);

// The app shell works offline and installs as an app (PWA). Not under the Vite dev server.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <StoresProvider stores={stores}>
      <App hasToken={token !== null} />
    </StoresProvider>
  </StrictMode>,
);
