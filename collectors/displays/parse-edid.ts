import type { Edid } from '../../schema/snapshot/displays.js';

/** The fixed 8-byte header of every EDID base block (VESA E-EDID 1.3/1.4, section 3.3). */
const HEADER = [0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00];
const BLOCK = 128;
/** The four 18-byte descriptors of the base block. */
const DESCRIPTORS = [54, 72, 90, 108];
const TAG_SERIAL = 0xff, TAG_TEXT = 0xfe, TAG_NAME = 0xfc;

export type EdidResult = { edid: Edid } | { error: string };

/** Hex text as sysfs-less sources give it: "00ffff…", "00 FF FF …", ioreg's "<00ffff…>"; whitespace and ":" allowed. */
export function bytesFromHex(text: string): Uint8Array | string {
  const clean = text.trim().replace(/^<|>$/g, '').replace(/[\s:]+/g, '').replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]*$/.test(clean)) return 'EDID hex contains non-hex characters';
  if (clean.length % 2 !== 0) return 'EDID hex has an odd number of digits';
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** Descriptor text: up to 13 bytes, ended by 0x0A, padded with 0x20. Non-printable bytes are dropped. */
function descriptorText(bytes: Uint8Array, at: number): string {
  let out = '';
  for (let i = at + 5; i < at + 18; i += 1) {
    const b = bytes[i]!;
    if (b === 0x0a) break;
    if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
  }
  return out.trim();
}

/**
 * Parses an EDID base block, from bytes or hex text. Short input or a wrong header is an error (never a throw);
 * a bad checksum still yields the fields, with `checksumValid: false`, since edited KVM EDIDs are worth seeing.
 */
export function parseEdid(input: Uint8Array | string, opts: { keepHex?: boolean } = {}): EdidResult {
  const bytes = typeof input === 'string' ? bytesFromHex(input) : input;
  if (typeof bytes === 'string') return { error: bytes };
  if (bytes.length === 0) return { error: 'EDID is empty' };
  if (bytes.length < BLOCK) return { error: `EDID truncated: ${bytes.length} of ${BLOCK} bytes` };
  if (!HEADER.every((b, i) => bytes[i] === b)) return { error: 'EDID header is not 00 FF FF FF FF FF FF 00' };

  // Manufacturer id: big-endian word at 8-9, three 5-bit letters, 1 = 'A'.
  const word = (bytes[8]! << 8) | bytes[9]!;
  const letters = [(word >> 10) & 0x1f, (word >> 5) & 0x1f, word & 0x1f];
  if (letters.some((l) => l < 1 || l > 26)) return { error: `EDID manufacturer id 0x${word.toString(16).padStart(4, '0')} is not three letters` };
  const manufacturerId = letters.map((l) => String.fromCharCode(64 + l)).join('');

  const productCode = bytes[10]! | (bytes[11]! << 8);
  const serialNumber = (bytes[12]! | (bytes[13]! << 8) | (bytes[14]! << 16) | (bytes[15]! << 24)) >>> 0;
  const week = bytes[16]!;
  const year = bytes[17]! + 1990;
  let sum = 0;
  for (let i = 0; i < BLOCK; i += 1) sum += bytes[i]!;

  const edid: Edid = {
    manufacturerId,
    productCode,
    // Week 0xFF marks byte 17 as a model year, not a manufacture date: the year stays, the week does not.
    year,
    version: `${bytes[18]}.${bytes[19]}`,
    checksumValid: sum % 256 === 0,
  };
  if (serialNumber !== 0) edid.serialNumber = serialNumber;
  if (week >= 1 && week <= 54) edid.week = week;
  for (const at of DESCRIPTORS) {
    // A display descriptor starts 00 00 00 <tag>; anything else there is a detailed timing.
    if (bytes[at] !== 0 || bytes[at + 1] !== 0 || bytes[at + 2] !== 0) continue;
    const tag = bytes[at + 3];
    const text = descriptorText(bytes, at);
    if (!text) continue;
    if (tag === TAG_NAME && edid.monitorName === undefined) edid.monitorName = text;
    else if (tag === TAG_SERIAL && edid.serialText === undefined) edid.serialText = text;
    else if (tag === TAG_TEXT && edid.text === undefined) edid.text = text;
  }
  if (opts.keepHex !== false) edid.hex = Buffer.from(bytes).toString('hex');
  return { edid };
}
