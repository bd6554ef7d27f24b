import { plistString, type PlistValue } from '../parse-plist.js';
import type { SoftwareItem } from '../../schema/snapshot/software.js';

/** Pure: an app bundle's Contents/Info.plist → item (name from CFBundleDisplayName/CFBundleName, else the folder). */
export function appFromInfoPlist(plist: PlistValue, bundlePath: string): SoftwareItem {
  const folder = (bundlePath.split('/').pop() ?? bundlePath).replace(/\.app$/, '');
  const name = plistString(plist, 'CFBundleDisplayName') ?? plistString(plist, 'CFBundleName') ?? folder;
  const version = plistString(plist, 'CFBundleShortVersionString') ?? plistString(plist, 'CFBundleVersion');
  const bundleId = plistString(plist, 'CFBundleIdentifier');
  return { name, source: 'app-bundle', path: bundlePath, ...(version ? { version } : {}), ...(bundleId ? { bundleId } : {}) };
}

/**
 * Pure: a launchd job plist → item. The name is its Label (e.g. "com.anydesk.anydesk.service"); the path is the
 * plist; `enabled` is false only when the plist says Disabled (launchctl's override database is not read).
 */
export function jobFromLaunchdPlist(plist: PlistValue, plistPath: string): SoftwareItem | undefined {
  const label = plistString(plist, 'Label');
  if (!label) return undefined;
  const dict = plist as Record<string, PlistValue>;
  return { name: label, source: 'launchd', path: plistPath, enabled: dict.Disabled !== true };
}
