// The app's Content-Security-Policy: only its own scripts, styles and connections; no inline
// script, no eval, no plugins, no framing. The desktop shell sends it with every app:// answer and
// the node with the web UI, so both run the renderer under the same rules.
const directives = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  // 'self' covers the node's own ws:// in the browser; the desktop talks over IPC, not the network.
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
} as const;

export const CONTENT_SECURITY_POLICY = Object.entries(directives)
  .map(([name, sources]) => `${name} ${sources.join(' ')}`)
  .join('; ');
