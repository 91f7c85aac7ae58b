// A name that came from another peer becomes a plain file name that is safe on every OS: no
// folders, no control characters, nothing Windows reserves, not hidden, not too long.
const RESERVED_WINDOWS = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;
const MAX_BYTES = 200; // leaves room for " (12)" and ".shoal-partial" under the usual 255

export function safeFileName(name: string, fallback: string): string {
  // A name with folders in it keeps only its last part, as browsers do.
  const base = name.split(/[/\\]/).filter((part) => part !== '').pop() ?? '';
  let clean = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_')
    .replace(/^[.\s]+/, '') // hidden files and "..": never
    .replace(/[.\s]+$/, ''); // Windows drops trailing dots and spaces
  if (RESERVED_WINDOWS.test(clean)) clean = `_${clean}`;
  while (Buffer.byteLength(clean) > MAX_BYTES) clean = truncateKeepingExtension(clean);
  return clean === '' ? fallback : clean;
}

function truncateKeepingExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const stem = [...name.slice(0, name.length - ext.length)];
  stem.pop(); // by code point, never splitting a character
  return stem.join('') + ext;
}
