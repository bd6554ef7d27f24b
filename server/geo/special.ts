import { networkMatcher } from '../network-match.js';

/**
 * IANA special-purpose ranges (RFC 6890 and its registries) that name no place on the Internet: documentation
 * (RFC 5737, RFC 3849), private, loopback, link-local, carrier-grade NAT (RFC 6598), unique-local, multicast.
 */
export const specialPurposeNetworks = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
  '::/128', '::1/128', '64:ff9b:1::/48', '100::/64', '2001:db8::/32', '3fff::/20', 'fc00::/7', 'fe80::/10', 'ff00::/8',
] as const;

/** Carrier-grade NAT (RFC 6598): thousands of unrelated subscribers share one address; never a place. */
export const carrierGradeNat = '100.64.0.0/10';

export const isSpecialPurpose = networkMatcher(specialPurposeNetworks);
