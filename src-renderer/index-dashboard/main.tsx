// The index port's read-only network dashboard (built by vite.dashboard.config.ts into
// out/dashboard, served at `/` on the index port): the theme before the first paint, the feed of
// the index's public API, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { applyTheme, readTheme } from '../app/theme.js';
import { IndexDashboard } from './IndexDashboard.js';
import { IndexFeed } from './index-feed.js';
import '../styles/app.css';
import './dashboard.css';

applyTheme(readTheme());
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => applyTheme(readTheme()));

const feed = new IndexFeed(location.origin);
feed.start();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <IndexDashboard feed={feed} host={location.host} />
  </StrictMode>,
);
