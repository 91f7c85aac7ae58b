// A node id is the node's Ed25519 public key, written so people can read, compare and copy it
// (Syncthing's device ID format): the 32 key bytes in base32 (RFC 4648, no padding: 52 letters),
// cut in four runs of 13, each followed by a Luhn mod 32 check character (a typo in a copied id
// is caught, not taken for another node), then grouped by 7 with dashes: 63 characters.
// The id *is* the key, so anything signed by a node is checked against its id alone.
import { z } from 'zod';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const KEY_BYTES = 32;
const RUN = 13;

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (const ch of text) {
    const digit = ALPHABET.indexOf(ch);
    if (digit < 0) return undefined;
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[at++] = (value >>> (bits - 8)) & 255;
      bits -= 8;
    }
  }
  return out;
}

/** Luhn mod N over base32 digits: catches any single wrong character and most swaps. */
function luhn32(run: string): string {
  let factor = 2;
  let sum = 0;
  for (let i = run.length - 1; i >= 0; i--) {
    const addend = factor * ALPHABET.indexOf(run[i] as string);
    factor = factor === 2 ? 1 : 2;
    sum += Math.floor(addend / 32) + (addend % 32);
  }
  return ALPHABET[(32 - (sum % 32)) % 32] as string;
}

/** The node id of a raw 32-byte Ed25519 public key. */
export function nodeIdFromPublicKey(raw: Uint8Array): string {
  if (raw.length !== KEY_BYTES) throw new Error(`an Ed25519 public key is ${KEY_BYTES} bytes, not ${raw.length}`);
  const text = base32(raw);
  let checked = '';
  for (let i = 0; i < text.length; i += RUN) {
    const run = text.slice(i, i + RUN);
    checked += run + luhn32(run);
  }
  return grouped(checked);
}

/** The written form's groups of 7, dashed. */
function grouped(compact: string): string {
  return compact.match(/.{7}/g)?.join('-') ?? compact;
}

/**
 * The public key a node id names, or undefined when the text is not a well-formed id (wrong
 * length or letters, a check character that does not match). Accepts lower case and missing
 * dashes, as people paste them.
 */
export function publicKeyOfNodeId(id: string): Uint8Array | undefined {
  return parseNodeId(id)?.raw;
}

/** The id in its one written form (upper case, dashes), or undefined if it is not an id. */
export function normalizeNodeId(id: string): string | undefined {
  // Checked, then the same letters with the dashes put back: no encoding again (every source of a
  // remote answer carries an id).
  const parsed = parseNodeId(id);
  return parsed && grouped(parsed.compact);
}

function parseNodeId(id: string): { compact: string; raw: Uint8Array } | undefined {
  const compact = id.toUpperCase().replace(/[-\s]/g, '');
  if (compact.length !== 4 * (RUN + 1)) return undefined;
  let text = '';
  for (let i = 0; i < compact.length; i += RUN + 1) {
    const run = compact.slice(i, i + RUN);
    if (compact[i + RUN] !== luhn32(run)) return undefined;
    text += run;
  }
  const raw = unbase32(text);
  if (!raw || raw.length !== KEY_BYTES) return undefined;
  // 256 bits fill 52 letters with 4 to spare: in the one written form those are zero, so no two
  // texts name the same key.
  return (ALPHABET.indexOf(text[text.length - 1] as string) & 0b1111) === 0 ? { compact, raw } : undefined;
}

/** The first group: enough to tell nodes apart on a screen, as Syncthing shows device ids. */
export function shortNodeId(id: string): string {
  return id.slice(0, 7);
}

/** A node id on the wire: the written form, check characters verified. */
export const nodeIdSchema = z.string().max(80)
  .transform((text, ctx) => {
    const id = normalizeNodeId(text);
    if (!id) {
      ctx.addIssue({ code: 'custom', message: 'a node id is 56 base32 characters in 8 groups (e.g. ABCDEFG-HIJKLMN-…), check characters included' });
      return z.NEVER;
    }
    return id;
  });
