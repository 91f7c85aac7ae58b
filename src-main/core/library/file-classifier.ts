// Decides a shared file's mime type and category from its name and, when the hasher found one,
// the mime its magic bytes say. Magic bytes beat the extension (a PNG named .txt is an image),
// except where magic only sees the generic container a more specific format is built on.
import { extname } from 'node:path';
import { lookup } from 'mime-types';
import { tagSchema } from '../../../src-shared/api/common.js';
import type { Category } from '../../../src-shared/api/common.js';

export interface Classification {
  mime: string;
  category: Category;
}

const UNKNOWN_MIME = 'application/octet-stream';

/**
 * Source and config files, with the mime to use where `mime-types` has none or a wrong one
 * (it maps .ts to MPEG transport streams and .rs to an XML format); null means "ask mime-types".
 */
const CODE_EXTENSIONS = new Map<string, string | null>(Object.entries({
  js: null, mjs: null, cjs: 'text/javascript', jsx: 'text/jsx',
  ts: 'text/typescript', mts: 'text/typescript', cts: 'text/typescript', tsx: 'text/tsx',
  py: 'text/x-python', pyi: 'text/x-python', ipynb: null,
  go: 'text/x-go', rs: 'text/x-rust', zig: 'text/x-zig', nim: 'text/x-nim',
  c: null, h: null, cc: null, cpp: null, cxx: null, hpp: null, hh: null,
  cs: 'text/x-csharp', fs: 'text/x-fsharp', vb: 'text/x-vb',
  java: null, kt: 'text/x-kotlin', kts: 'text/x-kotlin', scala: 'text/x-scala', groovy: 'text/x-groovy',
  gradle: 'text/x-groovy', clj: 'text/x-clojure', cljs: 'text/x-clojure',
  rb: 'text/x-ruby', php: null, pl: 'text/x-perl', pm: 'text/x-perl', lua: null, r: 'text/x-r', jl: 'text/x-julia',
  swift: 'text/x-swift', dart: null, ex: 'text/x-elixir', exs: 'text/x-elixir', erl: 'text/x-erlang',
  hs: 'text/x-haskell', ml: 'text/x-ocaml', elm: 'text/x-elm',
  sh: null, bash: 'application/x-sh', zsh: 'application/x-sh', fish: 'text/x-fish',
  ps1: 'text/x-powershell', bat: 'text/x-msdos-batch', cmd: 'text/x-msdos-batch',
  asm: 'text/x-asm', s: 'text/x-asm', cmake: 'text/x-cmake',
  json: null, jsonc: 'application/json', json5: 'application/json5',
  yaml: null, yml: null, toml: null, ini: 'text/plain', xml: null, xsd: null, xsl: null,
  html: null, htm: null, xhtml: null, css: null, scss: 'text/x-scss', sass: 'text/x-sass', less: 'text/x-less',
  vue: 'text/x-vue', svelte: 'text/x-svelte', sql: null, graphql: 'application/graphql', gql: 'application/graphql',
  proto: 'text/x-protobuf',
}));

/** Formats `mime-types` does not know, or knows only as octet-stream. */
const EXTENSION_MIMES = new Map<string, string>(Object.entries({
  appimage: 'application/vnd.appimage',
  pkg: 'application/vnd.apple.installer+xml',
  zst: 'application/zstd',
  tgz: 'application/gzip',
  txz: 'application/x-xz',
  tbz2: 'application/x-bzip2',
}));

/** Generic containers magic bytes often stop at, and the extensions naming a more specific format inside. */
// Maps, not object literals: a file named x.constructor must not find Object.prototype members.
const CONTAINER_REFINEMENTS = new Map<string, ReadonlySet<string>>(Object.entries({
  'application/zip': new Set([
    'docx', 'docm', 'dotx', 'xlsx', 'xlsm', 'xltx', 'pptx', 'pptm', 'potx', 'ppsx',
    'odt', 'ods', 'odp', 'odg', 'ott', 'ots', 'otp', 'epub', 'apk', 'aab', 'jar', 'war', 'ear',
    'xpi', 'ipa', 'appx', 'msix', 'vsix', 'cbz', 'kmz', 'whl', 'nupkg', '3mf',
  ]),
  'application/x-cfb': new Set(['doc', 'dot', 'xls', 'xlt', 'ppt', 'pot', 'pps', 'msi', 'msg', 'vsd']),
  'application/xml': new Set(['svg', 'xhtml', 'xsd', 'xsl', 'xslt', 'kml', 'gpx', 'rss', 'atom', 'plist', 'xlf', 'csproj', 'html', 'htm']),
  'application/ogg': new Set(['ogg', 'oga', 'ogv', 'opus', 'spx']),
  'application/vnd.ms-asf': new Set(['wmv', 'wma', 'asf']),
  'application/gzip': new Set(['tgz']),
}));

const SOFTWARE_MIMES = new Set([
  'application/x-msdownload', 'application/x-msdos-program', 'application/x-ms-installer', 'application/x-msi',
  'application/x-apple-diskimage', 'application/x-deb', 'application/x-debian-package',
  'application/x-rpm', 'application/x-redhat-package-manager', 'application/vnd.android.package-archive',
  'application/java-archive', 'application/x-elf', 'application/x-executable', 'application/x-sharedlib',
  'application/x-mach-binary', 'application/vnd.appimage', 'application/vnd.apple.installer+xml',
  'application/x-xpinstall', 'application/x-google-chrome-extension', 'application/x-ms-application',
]);
/** Installers and programs whose mime is too vague to tell (e.g. .pkg, .run). */
const SOFTWARE_EXTENSIONS = new Set(['exe', 'msi', 'dmg', 'deb', 'rpm', 'apk', 'appimage', 'pkg', 'jar', 'run', 'snap', 'flatpak', 'ipa', 'msix', 'appx']);

const DOCUMENT_MIMES = new Set([
  'application/pdf', 'application/rtf', 'text/rtf', 'text/plain', 'text/markdown', 'text/x-markdown', 'text/csv',
  'text/tab-separated-values', 'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint',
  'application/epub+zip', 'application/x-mobipocket-ebook', 'application/vnd.amazon.ebook', 'image/vnd.djvu',
  'application/postscript', 'application/vnd.visio',
]);
const DOCUMENT_MIME_PREFIXES = [
  'application/vnd.openxmlformats-officedocument.', 'application/vnd.oasis.opendocument.',
  'application/vnd.ms-word.', 'application/vnd.ms-excel.', 'application/vnd.ms-powerpoint.',
];

const ARCHIVE_MIMES = new Set([
  'application/zip', 'application/x-zip-compressed', 'application/x-tar', 'application/gzip', 'application/x-gzip',
  'application/x-bzip2', 'application/x-xz', 'application/x-7z-compressed', 'application/vnd.rar',
  'application/x-rar-compressed', 'application/zstd', 'application/x-iso9660-image', 'application/x-lzip',
  'application/x-lzma', 'application/x-lz4', 'application/x-compress', 'application/x-cpio',
  'application/x-unix-archive', 'application/vnd.ms-cab-compressed', 'application/x-lzh-compressed',
  'application/x-arj', 'application/x-ace-compressed',
]);

export function classifyFile(name: string, detectedMime: string | null): Classification {
  const ext = extensionOf(name);
  const byExtension = ext ? extensionMime(ext) : null;
  const detected = detectedMime?.toLowerCase() ?? null;

  const trustExtension = !detected || (byExtension !== null && CONTAINER_REFINEMENTS.get(detected)?.has(ext) === true);
  if (trustExtension) {
    const mime = byExtension ?? UNKNOWN_MIME;
    // Code is told by its extension: its mime types are too scattered (text/x-c, application/json, ...).
    if (CODE_EXTENSIONS.has(ext)) return { mime, category: 'code' };
    if (SOFTWARE_EXTENSIONS.has(ext)) return { mime, category: 'software' };
    return { mime, category: categoryOfMime(mime) };
  }
  return { mime: detectedMime as string, category: categoryOfMime(detected as string) };
}

/** Tags every file gets for free: its extension (lowercased, when it makes a valid tag) and its category. */
export function autoTags(name: string, category: Category): string[] {
  const tags: string[] = [];
  const ext = extensionOf(name);
  if (ext && isTagExtension(ext)) tags.push(ext);
  if (!tags.includes(category)) tags.push(category);
  return tags;
}

/** Which extensions are valid tags, remembered: a zod parse per file name cost the main thread while indexing. */
const tagExtensions = new Map<string, boolean>();
const MAX_REMEMBERED_EXTENSIONS = 1_000;

function isTagExtension(ext: string): boolean {
  let valid = tagExtensions.get(ext);
  if (valid === undefined) {
    valid = tagSchema.safeParse(ext).success;
    if (tagExtensions.size >= MAX_REMEMBERED_EXTENSIONS) tagExtensions.clear();
    tagExtensions.set(ext, valid);
  }
  return valid;
}

/** Lowercased extension without the dot; '' for none (and for dotfiles such as .bashrc). */
function extensionOf(name: string): string {
  return extname(name).slice(1).toLowerCase();
}

function extensionMime(ext: string): string | null {
  const code = CODE_EXTENSIONS.get(ext);
  if (code) return code;
  const known = EXTENSION_MIMES.get(ext);
  if (known) return known;
  const looked = lookup(ext);
  if (looked && looked !== UNKNOWN_MIME) return looked;
  return CODE_EXTENSIONS.has(ext) ? 'text/plain' : null;
}

function categoryOfMime(rawMime: string): Category {
  const mime = rawMime.toLowerCase().split(';')[0]?.trim() ?? '';
  if (SOFTWARE_MIMES.has(mime)) return 'software';
  if (DOCUMENT_MIMES.has(mime) || DOCUMENT_MIME_PREFIXES.some((prefix) => mime.startsWith(prefix))) return 'document';
  if (ARCHIVE_MIMES.has(mime)) return 'archive';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/') || mime === 'application/ogg') return 'audio';
  if (mime.startsWith('image/')) return 'image';
  return 'other';
}
