/** `version:` of a snap's meta/snap.yaml (top-level key, optionally quoted). */
export function snapYamlVersion(yaml: string): string | undefined {
  const m = /^version:\s*['"]?([^'"\n]+?)['"]?\s*$/m.exec(yaml);
  return m?.[1] || undefined;
}

/** "anydesk_12.snap" → { name: "anydesk", revision: "12" }; snapd names its downloaded squashfs files so. */
export function snapFileName(file: string): { name: string; revision: string } | undefined {
  const m = /^([a-z0-9][a-z0-9-]*)_(x?\d+)\.snap$/.exec(file);
  return m ? { name: m[1]!, revision: m[2]! } : undefined;
}
