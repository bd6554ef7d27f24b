import type { PlistValue } from '../parse-plist.js';

/**
 * Pure: keyboard layouts and input methods from a parsed com.apple.HIToolbox.plist (AppleEnabledInputSources, plus
 * AppleSelectedInputSources in case a selected one is not in the enabled list). Entries are dicts with
 * InputSourceKind "Keyboard Layout" (KeyboardLayout Name), "Keyboard Input Method" (Bundle ID) or "Input Mode"
 * (Input Mode, e.g. com.apple.inputmethod.Korean.2SetKorean). "Non Keyboard Input Method" (emoji/character palette,
 * dictation) is not a way to type and is left out.
 */
export function parseHiToolbox(plist: PlistValue): { keyboardLayouts: string[]; inputMethods: string[]; selected: string[] } {
  const root = plist && typeof plist === 'object' && !Array.isArray(plist) && !Buffer.isBuffer(plist) ? plist : {};
  const list = (key: string) => (Array.isArray(root[key]) ? (root[key] as PlistValue[]) : []);
  const layouts = new Set<string>();
  const methods = new Set<string>();
  const selected: string[] = [];
  const describe = (e: PlistValue): { layout?: string; method?: string } => {
    if (!e || typeof e !== 'object' || Array.isArray(e) || Buffer.isBuffer(e)) return {};
    const s = (k: string) => (typeof e[k] === 'string' ? (e[k] as string) : undefined);
    const kind = s('InputSourceKind');
    if (kind === 'Keyboard Layout') { const l = s('KeyboardLayout Name'); return l ? { layout: l } : {}; }
    if (kind === 'Input Mode') { const m = s('Input Mode') ?? s('Bundle ID'); return m ? { method: m } : {}; }
    if (kind === 'Keyboard Input Method') { const m = s('Bundle ID'); return m ? { method: m } : {}; }
    return {};
  };
  for (const e of list('AppleEnabledInputSources')) {
    const d = describe(e);
    if (d.layout) layouts.add(d.layout);
    if (d.method) methods.add(d.method);
  }
  for (const e of list('AppleSelectedInputSources')) {
    const d = describe(e);
    if (d.layout) { layouts.add(d.layout); selected.push(d.layout); }
    if (d.method) { methods.add(d.method); selected.push(d.method); }
  }
  // An input mode names its method already: drop the bare bundle id when a mode of it is listed.
  for (const m of [...methods]) if ([...methods].some((o) => o !== m && o.startsWith(`${m}.`))) methods.delete(m);
  return { keyboardLayouts: [...layouts], inputMethods: [...methods], selected };
}
