// A peer's reputation, explained where it shows: on hover of each number, and in a short legend.
// The rules are the index server's (src-main/core/index/reputation.ts, docs/architecture.md).

export const REPUTATION_SUMMARY =
  'Reputation: the index server\u2019s score for a peer, 0 to 100. New peers start at 50. ' +
  'It rises slowly while the peer stays online and with each download someone confirms arrived intact, ' +
  'falls with failed transfers and sharply with corrupt data, and drifts back toward 50 over time. ' +
  'Sources with a higher score are tried first.';

/** The word for a score, so a number alone is not left to guess. */
export function reputationWord(value: number): string {
  if (value >= 70) return 'trusted';
  if (value >= 40) return 'neutral';
  if (value >= 20) return 'shaky';
  return 'poor';
}

export function Reputation({ value }: { value: number }) {
  const score = Math.round(value);
  return (
    <span className={`reputation ${reputationWord(value)}`} title={`${score} of 100 (${reputationWord(value)}). ${REPUTATION_SUMMARY}`}>
      {score}
    </span>
  );
}

/** A legend for a table or list that shows reputations. */
export function ReputationHelp() {
  return (
    <details className="help" data-testid="reputation-help">
      <summary>What does reputation mean?</summary>
      <p>
        The index server scores each peer from <strong>0 to 100</strong>; a new peer starts at <strong>50</strong>.
      </p>
      <ul>
        <li>Up a little for staying online, and by 2 for each download someone confirms arrived intact.</li>
        <li>Down by 3 for a failed transfer and by 15 for corrupt data.</li>
        <li>Drifts back toward 50 by about 5% an hour, so old behaviour fades.</li>
      </ul>
      <p>Sources with a higher score (and free upload slots) are tried first. 70 and up: trusted; under 20: poor.</p>
    </details>
  );
}
