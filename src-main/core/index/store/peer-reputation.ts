// Peers' reputations and the transfer reports that move them (index_reports; reputation.ts says
// how reports are believed). Each call is one statement: reports arrive one by one, the decay runs
// from the health sweep.
import { decayReputation, REPUTATION_MAX, REPUTATION_MIN, REPUTATION_NEUTRAL } from '../reputation.js';
import { movedRow, oneRow, countRow, reportAtRow } from './index-rows.js';
import type { TypedSql } from './typed-sql.js';

/** Transfer reports kept at most (about 300 bytes each), the newest. */
export const MAX_REPORT_ROWS = 500_000;
/** Failures reported against a peer halve every this many ms. */
const FAILURE_HALF_LIFE_MS = 10 * 60_000;
/** Reputations decay at most this often (decay is a write over every peer). */
const DECAY_EVERY_MS = 60_000;

export interface Report { reporter: string; subject: string; fileId: string; downloadId: string }

export class PeerReputation {
  private readonly s;
  private lastDecay: number | undefined;

  constructor(sql: TypedSql) {
    this.s = {
      adjust: sql.write<{ peerId: string; delta: number; failure: number }>(
        `UPDATE index_peers SET reputation = min(${REPUTATION_MAX}, max(${REPUTATION_MIN}, reputation + @delta)),
          failures_recent = failures_recent + @failure
        WHERE peer_id = @peerId`),
      reportSeen: sql.select<Report, typeof oneRow>(oneRow,
        'SELECT 1 AS one FROM index_reports WHERE reporter = @reporter AND subject = @subject AND file_id = @fileId AND download_id = @downloadId'),
      pairEffect: sql.select<{ reporter: string; subject: string; since: number }, typeof movedRow>(movedRow,
        'SELECT sum(abs(effect)) AS moved FROM index_reports WHERE reporter = @reporter AND subject = @subject AND at >= @since'),
      addReport: sql.write<Report & { at: number; effect: number }>(
        'INSERT OR IGNORE INTO index_reports (reporter, subject, file_id, download_id, at, effect) VALUES (@reporter, @subject, @fileId, @downloadId, @at, @effect)'),
      forgetReports: sql.write<[number]>('DELETE FROM index_reports WHERE at < ?'),
      reportCount: sql.select<[], typeof countRow>(countRow, 'SELECT count(*) AS n FROM index_reports'),
      reportAtRank: sql.select<[number], typeof reportAtRow>(reportAtRow, 'SELECT at FROM index_reports ORDER BY at LIMIT 1 OFFSET ?'),
      decay: sql.write<{ neutral: number; keep: number; keepFailures: number }>(
        `UPDATE index_peers SET reputation = @neutral + (reputation - @neutral) * @keep, failures_recent = failures_recent * @keepFailures
        WHERE reputation <> @neutral OR failures_recent > 0`),
    };
  }

  /**
   * A downloader's report on a source: `delta` to its reputation (bounded), a failure (counts
   * against it in source ranking, fading).
   */
  adjustReputation(peerId: string, delta: number, report: { failure?: boolean; failureWeight?: number } = {}): void {
    this.s.adjust.run({ peerId, delta, failure: report.failure ? (report.failureWeight ?? 1) : 0 });
  }

  /** Whether a report on (reporter, subject, file, download) has counted already (kept a day, see forgetReportsBefore). */
  reportCounted(r: Report): boolean {
    return this.s.reportSeen.get(r) !== undefined;
  }

  /** How far one reporter's counted reports moved one subject since `since` (points, either way). */
  reporterEffectOn(reporter: string, subject: string, since: number): number {
    return this.s.pairEffect.get({ reporter, subject, since })?.moved ?? 0;
  }

  /** Remembers a report that counted, and what it moved. */
  recordReport(r: Report & { at: number; effect: number }): void {
    this.s.addReport.run(r);
  }

  /**
   * Forgets reports older than `cutoff` (the sweep, at most once a minute), and the oldest beyond
   * MAX_REPORT_ROWS: the table stays under about 150 MB however many peers report. Forgetting a
   * report early only loosens the cap on what its reporter may still move, and only in a flood.
   */
  forgetReportsBefore(cutoff: number, maxRows = MAX_REPORT_ROWS): void {
    this.s.forgetReports.run(cutoff);
    const excess = (this.s.reportCount.get()?.n ?? 0) - maxRows;
    if (excess <= 0) return;
    const at = this.s.reportAtRank.get(excess)?.at;
    if (at !== undefined) this.s.forgetReports.run(at);
  }

  /**
   * Lets reputations drift toward neutral and failures fade (reputation.ts), for the time since
   * the last call; at most once a minute, the first call only starts the clock.
   */
  decayReputations(now: number): void {
    if (this.lastDecay === undefined || now < this.lastDecay) {
      this.lastDecay = now;
      return;
    }
    const elapsed = now - this.lastDecay;
    if (elapsed < DECAY_EVERY_MS) return;
    this.lastDecay = now;
    const span = REPUTATION_MAX - REPUTATION_NEUTRAL;
    this.s.decay.run({
      neutral: REPUTATION_NEUTRAL,
      keep: (decayReputation(REPUTATION_MAX, elapsed) - REPUTATION_NEUTRAL) / span,
      keepFailures: Math.pow(0.5, elapsed / FAILURE_HALF_LIFE_MS),
    });
  }
}
