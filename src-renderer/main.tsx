// Start-up: pick the transport (IPC when the desktop app's preload gave us `window.shoal`, else
// HTTP/WS to the node that served this page), build the stores, apply the theme before the first
// paint, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { StoresProvider } from './app/stores-context.js';
import { applyTheme, readTheme } from './app/theme.js';
import { createBridge } from './bridge/create-bridge.js';
import { createDesktopApi } from './bridge/desktop-api.js';
import { HttpTransport } from './bridge/http-transport.js';
import { IpcTransport } from './bridge/ipc-transport.js';
import { takeToken } from './bridge/token.js';
import { createStores } from './stores/create-stores.js';
import './styles/app.css';

applyTheme(readTheme());
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => applyTheme(readTheme()));

const shoal = window.shoal;
const token = shoal ? null : takeToken(location, history, sessionStorage);
const bridge = shoal
  ? createBridge(new IpcTransport(shoal), createDesktopApi(shoal))
  : createBridge(new HttpTransport({ baseUrl: location.origin, token }));
const stores = createStores(bridge);

// The app shell works offline and installs as an app (PWA): in a browser, not in the desktop app
// nor under the Vite dev server.
if (!shoal && 'serviceWorker' in navigator && import.meta.env.PROD) {
  void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <StoresProvider stores={stores}>
      <App hasToken={shoal !== undefined || token !== null} />
    </StoresProvider>
  </StrictMode>,
);
