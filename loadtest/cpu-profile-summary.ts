// Summarizes a V8 CPU profile (`node --cpu-prof`, or `npm run load -- --cpu-prof DIR`) over a time
// window: where the samples went by package (express, zod, better-sqlite3, node internals, GC,
// idle), and the top functions by self and by inclusive time. The load run's profile covers
// registration too, which dwarfs the load phase: `--skip-end S --seconds N` picks the N seconds that
// end S seconds before the profile ends (the load phase ends about 11 s before: the capacity flood).
//   node out/loadtest/cpu-profile-summary.js PROFILE.cpuprofile --skip-end 11 --seconds 30
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'skip-end': { type: 'string', default: '0' },
    seconds: { type: 'string', default: '1e9' },
    top: { type: 'string', default: '25' },
  },
});
const file = positionals[0];
if (!file) throw new Error('usage: cpu-profile-summary PROFILE.cpuprofile [--skip-end S] [--seconds N] [--top K]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Sample times (µs from the start) and each sample's duration: the delta to the next sample.
const times: number[] = [];
let t = 0;
for (const d of profile.timeDeltas) times.push((t += d));
const end = times[times.length - 1] ?? 0;
const to = end - Number(args['skip-end']) * 1e6;
const from = to - Number(args.seconds) * 1e6;

/** Where a frame's code lives: a package, node's internals, or a V8 pseudo-frame such as (idle). */
function category(n: ProfileNode): string {
  const { url, functionName } = n.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  const own = /\/out\/([^/]+\/[^/]+)/.exec(url);
  return own?.[1] ? `shoal ${own[1]}` : url;
}
const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${category(n)}:${n.callFrame.url.split('/').pop() ?? ''}:${n.callFrame.lineNumber + 1}`;

const selfBy = new Map<string, number>();
const inclusiveBy = new Map<string, number>();
const categoryBy = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const at = times[i] ?? 0;
  if (at < from || at > to) return;
  const ms = ((times[i + 1] ?? at) - at) / 1000;
  total += ms;
  const node = byId.get(id);
  if (!node) return;
  selfBy.set(label(node), (selfBy.get(label(node)) ?? 0) + ms);
  categoryBy.set(category(node), (categoryBy.get(category(node)) ?? 0) + ms);
  const seen = new Set<string>(); // recursion counts once per sample
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    if (!n || !n.callFrame.url) continue;
    const l = label(n);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusiveBy.set(l, (inclusiveBy.get(l) ?? 0) + ms);
  }
});

const top = Number(args.top);
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${v.toFixed(0).padStart(8)} ms ${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
  }
};
console.log(`window: ${(total / 1000).toFixed(1)} s of samples (profile ${(end / 1e6).toFixed(1)} s long)`);
print('by package (self time)', categoryBy);
print('functions by self time', selfBy);
print('functions by inclusive time', inclusiveBy);
