// The control token may travel in a URL (`?token=`, the UI link and the browser's /ws): a URL
// is redacted before it is written anywhere, so a log file never holds a working token.
const TOKEN_PARAM = /([?&]token=)[^&#]*/gi;

export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(TOKEN_PARAM, '$1[redacted]');
}
