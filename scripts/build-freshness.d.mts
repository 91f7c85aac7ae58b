// Types of build-freshness.mjs, for the tests that import it.
export function buildFingerprint(root: string): string;
export function buildIsCurrent(root: string): boolean;
export function markBuilt(root: string, fingerprint: string): void;
