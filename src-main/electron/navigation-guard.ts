// The window never leaves the app: navigation and new windows are denied, and a link to the web
// opens in the user's browser only when it is plainly http(s). Permission requests (camera,
// notifications from the page, …) are refused: the app needs none of them.
import type { Session, WebContents } from 'electron';

const EXTERNAL_PROTOCOLS = new Set(['https:', 'http:']);

/** Only plain web addresses reach the system browser: no file:, javascript:, custom schemes, or credentials. */
export function isSafeExternalUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return EXTERNAL_PROTOCOLS.has(url.protocol) && url.hostname !== '' && url.username === '' && url.password === '';
}

export function guardWindow(contents: WebContents, openExternal: (url: string) => Promise<void>): void {
  const leave = (url: string) => {
    if (isSafeExternalUrl(url)) void openExternal(url).catch(() => undefined);
  };
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    leave(url);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    leave(url);
    return { action: 'deny' };
  });
}

/** Copying a file's shoal:// link is the one thing the page may ask for. */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function denyPermissions(session: Session, isAppUrl: (url: string) => boolean): void {
  session.setPermissionRequestHandler((contents, permission, callback) => {
    callback(ALLOWED_PERMISSIONS.has(permission) && isAppUrl(contents.getURL()));
  });
  session.setPermissionCheckHandler((_contents, permission, origin) => ALLOWED_PERMISSIONS.has(permission) && isAppUrl(origin));
}
