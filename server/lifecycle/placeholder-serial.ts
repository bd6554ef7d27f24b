/**
 * Serials that firmware vendors leave unset: thousands of machines share them, so they identify nothing and an
 * enrollment carrying one waits for an admin. Strings as seen in SMBIOS tables (dmidecode output of white-box boards).
 */
const placeholders = [
  /^to be filled by o\.?e\.?m\.?$/i,
  /^default string$/i,
  /^system serial number$/i,
  /^not (applicable|specified|available)$/i,
  /^(none|null|n\/a|na|unknown|oem|o\.e\.m\.|123456789|0123456789|chassis serial number)$/i,
  /^0+$/,
  /^x+$/i,
  /^\s*$/,
];

export function isPlaceholderSerial(serial: string): boolean {
  const s = serial.trim();
  return placeholders.some((p) => p.test(s));
}
