// The update decisions, without Electron so they run in plain tests: which feed file this platform
// reads (electron-builder's latest*.yml on the GitHub release), whether its version is newer, and
// what to do about it. Unsigned apps can replace themselves on Windows (NSIS) and as an AppImage;
// a macOS app without a Developer ID signature cannot (Squirrel.Mac refuses it), so there the
// user gets a link to the release instead.
import { parse } from 'yaml';
import { z } from 'zod';
import { ShoalError } from '../../src-shared/errors.js';
import type { UpdateStatus } from '../../src-shared/api/update-status.js';

/** How often a running app looks again (besides once at start). */
export const CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;

/** The part of electron-builder's latest.yml that decides; the rest is electron-updater's. */
const feedSchema = z.object({
  version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/),
  files: z.array(z.object({ url: z.string().min(1), sha512: z.string().min(1) })).min(1),
  releaseDate: z.string().optional(),
});
export type UpdateFeed = z.infer<typeof feedSchema>;

/** app-update.yml, written into the package by electron-builder from `publish` (provider github). */
const publishSchema = z.object({ provider: z.literal('github'), owner: z.string().min(1), repo: z.string().min(1) });
export type GithubRelease = z.infer<typeof publishSchema>;

export type UpdateAction = 'install' | 'notify';

/** The feed file electron-builder publishes for this platform and arch. */
export function feedFileName(platform: NodeJS.Platform, arch: string): string {
  if (platform === 'darwin') return 'latest-mac.yml';
  if (platform === 'linux') return arch === 'x64' ? 'latest-linux.yml' : `latest-linux-${arch}.yml`;
  return 'latest.yml';
}

/** Installed by electron-updater where an unsigned app can be replaced; otherwise a notice. */
export function updateAction(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): UpdateAction {
  if (platform === 'win32') return 'install';
  // The AppImage runtime sets APPIMAGE to the file; an unpacked or distro-packaged app has none.
  if (platform === 'linux' && env.APPIMAGE) return 'install';
  return 'notify';
}

export function parsePublishConfig(text: string): GithubRelease {
  const found = publishSchema.safeParse(parse(text));
  if (!found.success) throw new ShoalError('VALIDATION_FAILED', 'app-update.yml does not name a GitHub repository.');
  return found.data;
}

export function parseFeed(text: string): UpdateFeed {
  const found = feedSchema.safeParse(parse(text));
  if (!found.success) throw new ShoalError('VALIDATION_FAILED', `The update feed is not a release description: ${found.error.issues[0]?.message ?? ''}`);
  return found.data;
}

/** Whether `candidate` is a later version than `current` (x.y.z; a pre-release comes before its release). */
export function isNewer(candidate: string, current: string): boolean {
  const a = versionParts(candidate);
  const b = versionParts(current);
  for (let i = 0; i < 3; i++) {
    if (a.numbers[i] !== b.numbers[i]) return (a.numbers[i] ?? 0) > (b.numbers[i] ?? 0);
  }
  if (a.pre === b.pre) return false;
  if (a.pre === '') return true;
  if (b.pre === '') return false;
  return a.pre.localeCompare(b.pre, 'en', { numeric: true }) > 0;
}

function versionParts(version: string): { numbers: number[]; pre: string } {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?/.exec(version);
  if (!match) throw new ShoalError('VALIDATION_FAILED', `Not a version: ${version}`);
  return { numbers: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4] ?? '' };
}

export interface ReleaseUrls {
  /** Where the newest release's assets are: https://github.com/<owner>/<repo>/releases/latest/download */
  latestDownload: string;
  /** The page of one release, for the notice's link. */
  releasePage(version: string): string;
}

export function githubReleaseUrls(release: GithubRelease, base = 'https://github.com'): ReleaseUrls {
  const repo = `${base}/${encodeURIComponent(release.owner)}/${encodeURIComponent(release.repo)}/releases`;
  return { latestDownload: `${repo}/latest/download`, releasePage: (version) => `${repo}/tag/v${version}` };
}

export interface CheckInput {
  urls: ReleaseUrls;
  currentVersion: string;
  platform: NodeJS.Platform;
  arch: string;
  fetch: typeof fetch;
  now: () => Date;
}

/**
 * Reads the newest release's feed for this platform. Answers "current" or, when it is newer, the
 * notice; installing is electron-updater's job (updates.ts), which reads the same feed.
 */
export async function checkFeed(i: CheckInput): Promise<UpdateStatus> {
  const url = `${i.urls.latestDownload}/${feedFileName(i.platform, i.arch)}`;
  let answer: Response;
  try {
    answer = await i.fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new ShoalError('SERVICE_UNAVAILABLE', `The update feed could not be reached: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (answer.status === 404) return { state: 'current', checkedAt: i.now().toISOString() }; // no release yet
  if (!answer.ok) throw new ShoalError('SERVICE_UNAVAILABLE', `The update feed answered HTTP ${answer.status}.`);
  const feed = parseFeed(await answer.text());
  if (!isNewer(feed.version, i.currentVersion)) return { state: 'current', checkedAt: i.now().toISOString() };
  return { state: 'notify', version: feed.version, releaseUrl: i.urls.releasePage(feed.version) };
}
