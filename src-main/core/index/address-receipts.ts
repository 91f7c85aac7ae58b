// Address receipts: an index server that accepted a peer's registration (its call-back answered,
// or a receipt standing for it) signs that it lists the peer at that address, and the peer shows
// that receipt when it registers again: with the same server (after a restart) or with another of
// its federation (when its own fails). A fresh receipt from a server this one trusts spares the
// call-back, which is a TLS connection to the peer and most of what a failover's storm of
// registrations costs beyond the store's writes. So a peer listed without a break somewhere in the
// federation is not called back again, as a peer that keeps heartbeating one server never was.
//
// Trust: this server already hands its downloaders every source a federation member lists in its
// answers, unchecked but for their form (federation/merge.ts). A receipt says no more than that:
// "I list this node at this address", so believing one gives a member no power it lacked. Anyone
// else's receipt, a stale one, or one for another address or port is ignored: the call-back runs.
import { ADDRESS_RECEIPT_TTL_MS, type AddressReceipt } from '../../../src-shared/api/index-routes.js';
import { receiptStatement, signedBy } from '../identity/signed-statement.js';

/** Clocks of two servers may differ by this much: a receipt dated that far ahead still counts. */
const CLOCK_SKEW_MS = 60_000;

export interface AddressReceiptsOptions {
  indexId: string;
  sign: (text: string) => string;
  /** Whether another index server's receipts are believed (a member of this one's federation, not blocked). */
  trusts: (indexId: string) => boolean;
  now?: () => number;
}

export class AddressReceipts {
  private readonly now: () => number;

  constructor(private readonly o: AddressReceiptsOptions) {
    this.now = o.now ?? Date.now;
  }

  /** This server's receipt: it lists `peerId` at `address`:`port`. */
  issue(peerId: string, address: string, port: number): AddressReceipt {
    const at = this.now();
    const signature = this.o.sign(receiptStatement({ indexId: this.o.indexId, peerId, address, port, at }));
    return { indexId: this.o.indexId, address, port, at, signature };
  }

  /** Whether `receipt` spares the call-back of `peerId` at `address`:`port`. */
  spares(receipt: AddressReceipt | undefined, peerId: string, address: string, port: number): boolean {
    if (!receipt || receipt.address !== address || receipt.port !== port) return false;
    const age = this.now() - receipt.at;
    if (age > ADDRESS_RECEIPT_TTL_MS || age < -CLOCK_SKEW_MS) return false;
    if (receipt.indexId !== this.o.indexId && !this.o.trusts(receipt.indexId)) return false;
    return signedBy(receipt.indexId, receiptStatement({ indexId: receipt.indexId, peerId, address, port, at: receipt.at }), receipt.signature);
  }
}
