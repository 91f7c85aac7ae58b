// Realistic file names for the search benchmark: films, series episodes, music tracks, camera
// photos, documents, software, camelCase code files and archives, with the vocabulary skewed the
// way real libraries are (a few words everywhere, most words rare). Deterministic: a seeded PRNG,
// so every run indexes the same names and runs the same queries.
import type { Category } from '../src-shared/api/common.js';
import type { IndexedFile } from '../src-shared/api/index-routes.js';

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = `love night day time world life heart dream fire water light dark shadow star moon sun
rain snow wind storm river ocean sea mountain road city town home house garden forest island
desert sky summer winter spring autumn morning evening midnight blue red green black white gold
silver golden crystal broken lost last first final secret hidden silent wild free little big
great new old young long short high deep cold hot sweet bitter happy sad lonely crazy perfect
king queen prince princess knight dragon ghost angel devil hero legend warrior hunter stranger
friend lover brother sister mother father child family girl boy man woman people stories story
song songs dance party road trip journey return rise fall war peace battle empire kingdom
revolution escape mission project operation protocol code signal system machine planet galaxy
space time travel future past memory memories echo echoes voice voices words letters paper
glass stone iron steel wood bridge tower castle palace temple church school college office
street avenue station airport harbor beach coast valley canyon lake falls park square market
holiday vacation wedding birthday christmas halloween weekend trip tour concert live session
acoustic remix edit version extended original deluxe remastered anniversary collection best
greatest hits volume part chapter episode season special edition directors cut uncut
documentary nature planet earth ocean wildlife history science space universe cosmos secrets
mystery murder detective crime police doctor hospital lawyer court office company business
money power game games player players team champions league football soccer basketball racing
cooking kitchen recipe food wine coffee tea bread cake chocolate pizza burger garden flowers
cats dogs horses birds fish animals zoo farm village country western eastern northern southern
alpha beta gamma delta omega zero one two three four five seven eleven hundred thousand million`.split(/\s+/).filter(Boolean);

const FIRST = `john paul george ringo david michael james robert mary linda susan karen anna maria elena
sofia lucas leo hugo emma olivia noah liam mia ava ella grace alice bob charlie daniel eric frank
henry isaac jack kate laura max nina oscar peter rosa sam tom victor will zoe`.split(/\s+/).filter(Boolean);
const LAST = `smith johnson brown taylor miller wilson moore anderson thomas jackson white harris martin
garcia martinez robinson clark rodriguez lewis lee walker hall allen young king wright scott green
baker adams nelson hill campbell mitchell roberts carter phillips evans turner torres parker collins
edwards stewart morris murphy cook rogers morgan cooper peterson reed bailey bell kelly howard ward cox`.split(/\s+/).filter(Boolean);
const BANDS = `the the the arctic electric velvet crimson neon midnight silver paper glass iron wooden
broken lucky black white royal cosmic lunar solar`.split(/\s+/).filter(Boolean);
const BAND_NOUNS = `monkeys strokes stones kids lights machines dreams wolves tigers foxes birds hearts
rebels pilots brothers sisters children ghosts kings queens band orchestra quartet collective`.split(/\s+/).filter(Boolean);
const GROUPS = ['SPARKS', 'RARBG', 'YTS', 'NTb', 'FLUX', 'CMRG', 'EVO', 'GalaxyRG', 'playWEB', 'SiGMA', 'KOGi', 'TEPES'];
const DOC_WORDS = `report annual quarterly budget invoice receipt contract agreement proposal presentation
meeting notes minutes summary plan roadmap strategy analysis review draft final thesis chapter
paper article manual guide handbook specification requirements design architecture overview
letter resume cv application form tax return statement policy schedule timetable syllabus
lecture homework assignment exam solutions slides whitepaper brochure catalog newsletter`.split(/\s+/).filter(Boolean);
const APPS = `firefox chrome vlc gimp inkscape blender audacity obs steam discord slack zoom teams spotify
telegram signal thunderbird libreoffice krita handbrake qbittorrent filezilla putty vscode atom
sublime notepadplusplus sevenzip winrar paintnet darktable shotcut kdenlive godot unity postman`.split(/\s+/).filter(Boolean);
const DISTROS = ['ubuntu', 'debian', 'fedora', 'archlinux', 'linuxmint', 'manjaro', 'opensuse', 'kali', 'alpine', 'rocky'];
const CODE_PARTS = `user account service request response handler manager controller factory builder parser
config settings loader reader writer client server http socket session token cache store
repository model view component provider adapter helper util utils test spec validator
router middleware event listener queue worker task job scheduler logger error exception
payment order invoice customer product cart checkout search index query result download
upload file image video audio player stream buffer encoder decoder converter holiday`.split(/\s+/).filter(Boolean);
const CODE_EXTS = ['java', 'ts', 'tsx', 'js', 'cs', 'kt', 'swift', 'go', 'py', 'rb', 'cpp', 'h'];
const TAGS = ['favourites', 'holiday', 'work', 'family', '4k', 'hdr', 'kids', 'classic', 'live', 'lossless', 'scan', 'backup', 'sci-fi', 'jazz', 'c++'];

/** Picks with a Zipf-like skew: index 0 most often. */
function skewed<T>(rand: () => number, items: readonly T[], power = 1.6): T {
  return items[Math.floor(Math.pow(rand(), power) * items.length)] as T;
}
function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}
const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const int = (rand: () => number, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

function title(rand: () => number, min: number, max: number): string[] {
  const n = int(rand, min, max);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(skewed(rand, WORDS));
  return words.map(cap);
}

function date(rand: () => number): { y: number; m: string; d: string; hh: string; mm: string; ss: string } {
  return { y: int(rand, 2008, 2025), m: pad(int(rand, 1, 12), 2), d: pad(int(rand, 1, 28), 2), hh: pad(int(rand, 0, 23), 2), mm: pad(int(rand, 0, 59), 2), ss: pad(int(rand, 0, 59), 2) };
}

interface Generated { name: string; category: Category; mime: string; size: number }

const MiB = 1024 * 1024;

function film(rand: () => number): Generated {
  const t = title(rand, 1, 4);
  const year = int(rand, 1950, 2025);
  const res = skewed(rand, ['1080p', '720p', '2160p', '480p']);
  const src = pick(rand, ['BluRay', 'WEB-DL', 'WEBRip', 'HDTV', 'DVDRip', 'BDRip']);
  const codec = pick(rand, ['x264', 'x265', 'HEVC', 'H.264', 'AV1']);
  const style = rand();
  const name = style < 0.6
    ? `${t.join('.')}.${year}.${res}.${src}.${codec}-${pick(rand, GROUPS)}.${skewed(rand, ['mkv', 'mp4', 'avi'])}`
    : style < 0.85 ? `${t.join(' ')} (${year}).${skewed(rand, ['mkv', 'mp4'])}` : `${t.join('_')}_${year}_${res}.mp4`;
  return { name, category: 'video', mime: name.endsWith('.mp4') ? 'video/mp4' : 'video/x-matroska', size: int(rand, 700, 12_000) * MiB };
}

function episode(rand: () => number): Generated {
  const show = title(rand, 1, 3);
  const s = pad(int(rand, 1, 12), 2);
  const e = pad(int(rand, 1, 24), 2);
  const res = skewed(rand, ['1080p', '720p', '2160p']);
  const name = rand() < 0.7
    ? `${show.join('.')}.S${s}E${e}.${res}.${pick(rand, ['WEB-DL', 'WEBRip', 'HDTV', 'BluRay'])}.${pick(rand, ['x264', 'x265', 'HEVC'])}-${pick(rand, GROUPS)}.mkv`
    : `${show.join(' ')} - S${s}E${e} - ${title(rand, 1, 4).join(' ')}.mkv`;
  return { name, category: 'video', mime: 'video/x-matroska', size: int(rand, 200, 3_000) * MiB };
}

function track(rand: () => number): Generated {
  const artist = rand() < 0.5 ? `${cap(pick(rand, FIRST))} ${cap(pick(rand, LAST))}` : `${cap(pick(rand, BANDS))} ${cap(pick(rand, BAND_NOUNS))}`;
  const album = title(rand, 1, 3).join(' ');
  const n = pad(int(rand, 1, 18), 2);
  const song = title(rand, 1, 5).join(' ');
  const ext = skewed(rand, ['mp3', 'flac', 'm4a', 'ogg', 'wav']);
  const name = rand() < 0.7 ? `${artist} - ${album} - ${n} - ${song}.${ext}` : `${n} ${song}.${ext}`;
  return { name, category: 'audio', mime: ext === 'flac' ? 'audio/flac' : 'audio/mpeg', size: int(rand, 2, ext === 'flac' || ext === 'wav' ? 60 : 12) * MiB };
}

function photo(rand: () => number): Generated {
  const d = date(rand);
  const style = rand();
  const name = style < 0.45 ? `IMG_${d.y}${d.m}${d.d}_${d.hh}${d.mm}${d.ss}.jpg`
    : style < 0.6 ? `DSC${pad(int(rand, 1, 99_999), 5)}.JPG`
      : style < 0.7 ? `PXL_${d.y}${d.m}${d.d}_${d.hh}${d.mm}${d.ss}${pad(int(rand, 0, 999), 3)}.jpg`
        : style < 0.85 ? `Screenshot ${d.y}-${d.m}-${d.d} at ${d.hh}.${d.mm}.${d.ss}.png`
          : `${title(rand, 1, 3).join(' ')} ${d.y} ${pad(int(rand, 1, 400), 3)}.${pick(rand, ['jpg', 'heic', 'png', 'raw'])}`;
  return { name, category: 'image', mime: name.endsWith('.png') ? 'image/png' : 'image/jpeg', size: int(rand, 200, 12_000) * 1024 };
}

function document(rand: () => number): Generated {
  const d = date(rand);
  const words = [skewed(rand, DOC_WORDS), skewed(rand, DOC_WORDS)];
  const style = rand();
  const ext = skewed(rand, ['pdf', 'docx', 'xlsx', 'pptx', 'odt', 'txt', 'md', 'epub']);
  const name = style < 0.3 ? `${cap(words[0] ?? 'report')} ${cap(words[1] ?? 'draft')} ${d.y}${rand() < 0.3 ? ' final v2' : ''}.${ext}`
    : style < 0.5 ? `${words[0]}-${d.y}-${pad(int(rand, 1, 9999), 4)}.${ext}`
      : style < 0.7 ? `${words.join('_')}_${title(rand, 1, 2).join('_').toLowerCase()}.${ext}`
        : style < 0.85 ? `${cap(words[0] ?? 'notes')} ${d.y}-${d.m}-${d.d}.${ext}`
          : `${title(rand, 2, 5).join(' ')}.${ext}`;
  return { name, category: 'document', mime: ext === 'pdf' ? 'application/pdf' : 'application/octet-stream', size: int(rand, 10, 40_000) * 1024 };
}

function software(rand: () => number): Generated {
  const app = skewed(rand, APPS);
  const v = `${int(rand, 0, 12)}.${int(rand, 0, 20)}.${int(rand, 0, 30)}`;
  const style = rand();
  const name = style < 0.35 ? `setup-${app}-${v}-${pick(rand, ['x64', 'x86', 'arm64'])}.exe`
    : style < 0.55 ? `${app}_${v}_${pick(rand, ['amd64', 'arm64'])}.deb`
      : style < 0.7 ? `${cap(app)}-${v}.dmg`
        : style < 0.8 ? `${pick(rand, DISTROS)}-${int(rand, 10, 40)}.${pad(int(rand, 1, 12), 2)}-${pick(rand, ['desktop', 'server', 'live'])}-amd64.iso`
          : `${cap(app)}Setup${v.replace(/\./g, '')}.msi`;
  return { name, category: 'software', mime: 'application/octet-stream', size: int(rand, 5, 4_000) * MiB };
}

function code(rand: () => number): Generated {
  const parts = [skewed(rand, CODE_PARTS), skewed(rand, CODE_PARTS), skewed(rand, CODE_PARTS)].slice(0, int(rand, 2, 3));
  const ext = skewed(rand, CODE_EXTS);
  const name = ext === 'py' || ext === 'rb' || ext === 'go'
    ? `${parts.join('_')}.${ext}`
    : rand() < 0.6 ? `${parts.map(cap).join('')}.${ext}` : `${parts[0]}${parts.slice(1).map(cap).join('')}.${ext}`;
  return { name, category: 'code', mime: 'text/plain', size: int(rand, 1, 200) * 1024 };
}

function archive(rand: () => number): Generated {
  const d = date(rand);
  const name = rand() < 0.5 ? `${skewed(rand, CODE_PARTS)}-backup-${d.y}-${d.m}-${d.d}.${pick(rand, ['zip', 'tar.gz', '7z'])}`
    : `${title(rand, 1, 3).join(' ')} ${d.y}.${pick(rand, ['zip', 'rar', '7z'])}`;
  return { name, category: 'archive', mime: 'application/zip', size: int(rand, 1, 8_000) * MiB };
}

const KINDS: [number, (rand: () => number) => Generated][] = [
  [0.13, film], [0.15, episode], [0.22, track], [0.2, photo], [0.12, document], [0.06, software], [0.08, code], [0.04, archive],
];

function extOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The `n`-th file of the generated world (same n, same file). */
export function generatedFile(n: number, seed = 1): IndexedFile {
  const rand = prng((n * 2654435761) ^ seed);
  let r = rand();
  let make = film;
  for (const [share, kind] of KINDS) {
    if (r < share) { make = kind; break; }
    r -= share;
  }
  const g = make(rand);
  const tags = [extOf(g.name), g.category].filter((t) => /^[a-z0-9]{1,16}$/.test(t));
  if (rand() < 0.1) tags.push(pick(rand, TAGS));
  // A 64-hex id from the PRNG: unique per n with overwhelming probability.
  let id = '';
  for (let i = 0; i < 8; i++) id += Math.floor(rand() * 4294967296).toString(16).padStart(8, '0');
  return { id, name: g.name, size: g.size, mime: g.mime, category: g.category, tags: [...new Set(tags)], pieceSize: 1 << 20 };
}

/** Words users type: the vocabulary's common words first. */
export const queryVocabulary = {
  words: WORDS.slice(0, 200),
  rareWords: WORDS.slice(200),
  artists: LAST,
  apps: APPS,
  docWords: DOC_WORDS,
  codeParts: CODE_PARTS,
  tags: TAGS,
};
