// Types for `bencode` 4 (webtorrent's), which ships none: only what Shoal uses.
declare module 'bencode' {
  /** A bencodable value. A Map's Uint8Array keys are raw byte strings (BEP 52 `piece layers`); null entries are left out. */
  export type BencodeValue = number | string | Uint8Array | BencodeValue[] | Map<Uint8Array | string, BencodeValue> | { [key: string]: BencodeValue | null | undefined };
  interface Bencode {
    encode(data: BencodeValue): Uint8Array;
    /** Strings stay bytes (Uint8Array) unless an encoding is given. */
    decode(data: Uint8Array, start?: number, end?: number, encoding?: string): unknown;
    byteLength(data: BencodeValue): number;
  }
  const bencode: Bencode;
  export default bencode;
}
