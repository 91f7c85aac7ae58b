// The transfer settings a user changes while the node runs (Settings view, PUT
// /api/v1/settings/transfers): the config file gives the starting values, a change is kept in
// the database and wins from then on, and the rate limiters follow at once.
import type { TransferSettings } from '../../../src-shared/api/transfers.js';
import type { RateLimiter } from './rate-limiter.js';

const META_KEY = 'transfer_settings';

export type ChangeableTransferSettings = Omit<TransferSettings, 'downloadDirectory'>;

export interface TransferSettingsOptions {
  defaults: ChangeableTransferSettings;
  downloadDirectory: string;
  meta: { getMeta(key: string): string | undefined; setMeta(key: string, value: string): void };
  downloadLimiter: RateLimiter;
  uploadLimiter: RateLimiter;
}

export class TransferSettingsService {
  private current: ChangeableTransferSettings;

  constructor(private readonly o: TransferSettingsOptions) {
    this.current = { ...o.defaults, ...this.saved() };
    this.apply();
  }

  get(): TransferSettings {
    return { ...this.current, downloadDirectory: this.o.downloadDirectory };
  }

  set(update: Partial<ChangeableTransferSettings>): TransferSettings {
    const changed = Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)) as Partial<ChangeableTransferSettings>;
    this.current = { ...this.current, ...changed };
    this.o.meta.setMeta(META_KEY, JSON.stringify({ ...this.saved(), ...changed }));
    this.apply();
    return this.get();
  }

  /** Only what the user changed is saved, so a later config change of another key still counts. */
  private saved(): Partial<ChangeableTransferSettings> {
    const text = this.o.meta.getMeta(META_KEY);
    if (!text) return {};
    try {
      const value = JSON.parse(text) as Record<string, unknown>;
      const known = Object.keys(this.o.defaults);
      return Object.fromEntries(Object.entries(value).filter(([k, v]) => known.includes(k) && typeof v === typeof this.o.defaults[k as keyof ChangeableTransferSettings]));
    } catch {
      return {};
    }
  }

  private apply(): void {
    this.o.downloadLimiter.setRate(this.current.maxDownloadRate);
    this.o.uploadLimiter.setRate(this.current.maxUploadRate);
  }
}
