// Which names the library never shares: hidden files, editors' and browsers' temporary files,
// and partial downloads (ours and other apps'). Checked on a path's own name; a hidden folder is
// skipped whole, so nothing under it is seen.

const temporaryPatterns: readonly RegExp[] = [
  /^\./, // hidden (also .DS_Store, .~lock.*#, .#emacs)
  /^~\$/, // Office lock files
  /~$/, // editor backups
  /\.(tmp|temp|swp|swo|swx|bak|part|partial|crdownload|download|!ut|opdownload|shoal-partial)$/i,
  /^(thumbs\.db|desktop\.ini|ehthumbs\.db)$/i,
  /^#.*#$/, // emacs autosave
];

export function isIgnoredName(name: string): boolean {
  return temporaryPatterns.some((pattern) => pattern.test(name));
}

/** The extension our own downloads use while they are incomplete. */
export const PARTIAL_DOWNLOAD_SUFFIX = '.shoal-partial';
