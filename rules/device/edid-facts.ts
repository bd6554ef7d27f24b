import type { Connector } from '../../schema/snapshot/displays.js';
import { hexCode } from './match.js';

/** The identifying facts of a connector's EDID, for evidence. */
export function edidEvidence(c: Connector): Record<string, unknown> {
  const e: Record<string, unknown> = { connector: c.name, builtin: c.builtin, connected: c.connected };
  if (!c.edid) return e;
  e.manufacturerId = c.edid.manufacturerId;
  e.productCode = hexCode(c.edid.productCode);
  if (c.edid.monitorName !== undefined) e.monitorName = c.edid.monitorName;
  if (c.edid.serialText !== undefined) e.serialText = c.edid.serialText;
  return e;
}
