import { failure, isMissing } from '../errors.js';
import type { CollectContext, CollectResult } from '../types.js';
import { adapterFrom, connectorName, isBuiltinConnector, preferredResolution, type RawAdapter } from './parse-drm.js';
import { parseEdid } from './parse-edid.js';
import type { Connector, DisplayAdapter, Displays } from '../../schema/snapshot/displays.js';

export const drmClass = '/sys/class/drm';

async function maybe<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch {
    return undefined; // optional attribute: absent on some drivers
  }
}

async function readConnector(ctx: CollectContext, name: string, type: string): Promise<Connector> {
  const dir = `${drmClass}/${name}`;
  const [status, enabled, edid, modes] = await Promise.all([
    maybe(ctx.readFile(`${dir}/status`)),
    maybe(ctx.readFile(`${dir}/enabled`)),
    maybe(ctx.readFileBuffer(`${dir}/edid`)),
    maybe(ctx.readFile(`${dir}/modes`)),
  ]);
  const connector: Connector = { name, builtin: isBuiltinConnector(type), connected: status?.trim() === 'connected' };
  if (enabled !== undefined) connector.enabled = enabled.trim() === 'enabled';
  // An empty edid file means nothing is attached (or the sink gave none): not an error.
  if (edid && edid.length > 0) {
    const parsed = parseEdid(edid);
    if ('edid' in parsed) connector.edid = parsed.edid;
    else connector.edidError = parsed.error;
  }
  const resolution = modes ? preferredResolution(modes) : undefined;
  if (resolution) connector.resolution = resolution;
  return connector;
}

async function readAdapter(ctx: CollectContext, card: string): Promise<DisplayAdapter> {
  const dir = `${drmClass}/${card}/device`;
  const [vendor, device, driverLink, uevent] = await Promise.all([
    maybe(ctx.readFile(`${dir}/vendor`)),
    maybe(ctx.readFile(`${dir}/device`)),
    maybe(ctx.readLink(`${dir}/driver`)),
    maybe(ctx.readFile(`${dir}/uevent`)),
  ]);
  const raw: RawAdapter = { card };
  if (vendor !== undefined) raw.vendor = vendor;
  if (device !== undefined) raw.device = device;
  if (driverLink !== undefined) raw.driverLink = driverLink;
  if (uevent !== undefined) raw.uevent = uevent;
  return adapterFrom(raw);
}

/** Reads /sys/class/drm: connectors (status, enabled, edid, modes) and cards (PCI ids, driver). No process is forked. */
export async function collect(ctx: CollectContext): Promise<CollectResult<Displays>> {
  let names: string[];
  try {
    names = await ctx.readDir(drmClass);
  } catch (err) {
    if (isMissing(err)) {
      return { status: 'ok', data: { connectors: [], adapters: [] }, notes: [`no DRM: ${drmClass} is absent`] };
    }
    return failure(err, `reading ${drmClass}`);
  }
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'en', { numeric: true });
  try {
    const connectors = await Promise.all(
      names.flatMap((n) => {
        const c = connectorName(n);
        return c ? [readConnector(ctx, n, c.type)] : [];
      }),
    );
    const adapters = await Promise.all(names.filter((n) => /^card\d+$/.test(n)).map((n) => readAdapter(ctx, n)));
    const notes: string[] = [];
    if (adapters.length === 0) notes.push(`no display adapter under ${drmClass}`);
    return {
      status: 'ok',
      data: { connectors: connectors.sort(byName), adapters: adapters.sort(byName) },
      ...(notes.length ? { notes } : {}),
    };
  } catch (err) {
    return failure(err, `reading ${drmClass}`);
  }
}
