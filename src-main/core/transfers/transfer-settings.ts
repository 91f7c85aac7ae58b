// The transfer settings a user changes while the node runs (Settings view, PUT
// /api/v1/settings/transfers): the config file gives the starting values, a change is kept in
// the database and wins from then on, and the rate limiters follow at once.
import type { TransferSettings } from '../../../src-shared/api/transfers.js';
import type { NodeStateOf } from '../store/node-state.js';
import type { RateLimiter } from './rate-limiter.js';

export type ChangeableTransferSettings = Omit<TransferSettings, 'downloadDirectory'>;

export interface TransferSettingsOptions {
  defaults: ChangeableTransferSettings;
  downloadDirectory: string;
  state: NodeStateOf<'transferSettings'>;
  downloadLimiter: RateLimiter;
  uploadLimiter: RateLimiter;
}

export class TransferSettingsService {
  private current: ChangeableTransferSettings;

  constructor(private readonly o: TransferSettingsOptions) {
    this.current = { ...o.defaults, ...o.state.get('transferSettings') };
    this.apply();
  }

  get(): TransferSettings {
    return { ...this.current, downloadDirectory: this.o.downloadDirectory };
  }

  set(update: Partial<ChangeableTransferSettings>): TransferSettings {
    const changed = Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)) as Partial<ChangeableTransferSettings>;
    // Only what the user changed is saved, so a later config change of another key still counts.
    this.o.state.set('transferSettings', { ...this.o.state.get('transferSettings'), ...changed });
    this.current = { ...this.current, ...changed };
    this.apply();
    return this.get();
  }

  private apply(): void {
    this.o.downloadLimiter.setRate(this.current.maxDownloadRate);
    this.o.uploadLimiter.setRate(this.current.maxUploadRate);
  }
}
