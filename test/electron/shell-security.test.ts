// Electron's security checklist, held against the shell's pure parts (no Electron runs here):
// the window's options, the CSP, the app:// file resolver, external links, shoal:// links.
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/content-security-policy.js';
import { parseShoalLink, shoalLink } from '../../src-shared/shoal-link.js';
import { isAppUrl, resolveAppAsset } from '../../src-main/electron/app-protocol.js';
import { isSafeExternalUrl } from '../../src-main/electron/navigation-guard.js';
import { mainWindowOptions } from '../../src-main/electron/window-options.js';

describe('the main window', () => {
  const prefs = mainWindowOptions({ preloadPath: '/app/out/preload/preload.cjs' }).webPreferences ?? {};

  it('isolates the page: context isolation and sandbox on, no Node anywhere', () => {
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false });
  });

  it('keeps web security: same-origin policy, no insecure content, no webview, no experiments', () => {
    expect(prefs).toMatchObject({ webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, experimentalFeatures: false, navigateOnDragDrop: false });
  });

  it('loads the bundled preload and fits a 375 px wide window', () => {
    expect(prefs.preload).toBe('/app/out/preload/preload.cjs');
    expect(mainWindowOptions({ preloadPath: 'p' }).minWidth).toBeLessThanOrEqual(375);
  });

  it('opens where it was left', () => {
    expect(mainWindowOptions({ preloadPath: 'p', bounds: { x: 10, y: 20, width: 900, height: 700 } })).toMatchObject({ x: 10, y: 20, width: 900, height: 700 });
  });
});

describe('the Content-Security-Policy', () => {
  const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => {
    const [name, ...sources] = d.trim().split(/\s+/);
    return [name, sources] as const;
  }));

  it('allows only the app\u2019s own scripts: no inline script, no eval', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });

  it('forbids plugins, framing, base rewriting and form posts elsewhere', () => {
    for (const name of ['object-src', 'frame-ancestors', 'base-uri', 'form-action']) expect(directives.get(name)).toEqual(["'none'"]);
  });
});

describe('app:// answers', () => {
  const root = '/app/out/renderer';

  it('serves the built files and the app\u2019s routes', () => {
    expect(resolveAppAsset(root, 'app://shoal/')).toBe('/app/out/renderer/index.html');
    expect(resolveAppAsset(root, 'app://shoal/transfers')).toBe('/app/out/renderer/index.html');
    expect(resolveAppAsset(root, 'app://shoal/assets/index-abc.js')).toBe('/app/out/renderer/assets/index-abc.js');
  });

  it('never leaves the renderer folder, however the path is written', () => {
    // Encoded slashes survive the URL parser and are caught here; dot segments never reach us.
    for (const url of ['app://shoal/..%2f..%2fsecret.txt', 'app://shoal/assets/..%2F..%2F..%2Fetc%2Fpasswd.conf', 'app://shoal/a%00.js', 'app://shoal/%E0%A4%A.js']) {
      expect(resolveAppAsset(root, url)).toBeNull();
    }
    expect(resolveAppAsset(root, 'app://shoal/%2e%2e/%2e%2e/etc/passwd.txt')).toBe(`${root}/etc/passwd.txt`);
    for (const url of ['app://elsewhere/index.js', 'file:///etc/passwd', 'not a url']) expect(resolveAppAsset(root, url)).toBeNull();
  });

  it('knows its own origin from look-alikes', () => {
    expect(isAppUrl('app://shoal/share')).toBe(true);
    expect(isAppUrl('app://shoal.evil/share')).toBe(false);
    expect(isAppUrl('https://shoal/share')).toBe(false);
  });
});

describe('external links', () => {
  it('opens only plain web addresses in the browser', () => {
    expect(isSafeExternalUrl('https://github.com/shoal/shoal/releases')).toBe(true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'shoal://file/x', 'smb://server/share', 'https://user:pw@example.com/', 'not a url']) {
      expect(isSafeExternalUrl(url)).toBe(false);
    }
  });
});

describe('shoal:// links', () => {
  const id = 'a'.repeat(64);

  it('round-trips a file id and a name with spaces and accents', () => {
    const link = shoalLink(id, 'Coral reef (été).mkv');
    expect(link).toBe(`shoal://file/${id}?name=Coral%20reef%20(%C3%A9t%C3%A9).mkv`);
    expect(parseShoalLink(link)).toEqual({ fileId: id, name: 'Coral reef (été).mkv' });
    expect(parseShoalLink(`shoal://file/${id.toUpperCase()}/`)).toEqual({ fileId: id });
  });

  it('refuses anything else', () => {
    for (const text of [`https://file/${id}`, `shoal://peer/${id}`, 'shoal://file/123', 'shoal://file/', '', `shoal://file/${id}/../x`]) {
      expect(parseShoalLink(text)).toBeNull();
    }
  });
});
