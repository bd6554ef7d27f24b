/** Pure parsers of the Linux locale/keyboard/input-method settings files. */

/** Shell-style KEY=value files: /etc/default/keyboard, /etc/default/locale, /etc/locale.conf, /etc/vconsole.conf. */
export function parseAssignments(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!m) continue;
    let v = m[2]!.trim();
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) v = v.slice(1, -1);
    out.set(m[1]!, v);
  }
  return out;
}

/** XKB layouts and variants, comma-separated in parallel ("us,kr" + ",kr104") → ["us", "kr(kr104)"]. */
export function xkbLayouts(layout: string | undefined, variant: string | undefined): string[] {
  if (!layout) return [];
  const variants = (variant ?? '').split(',');
  return layout
    .split(',')
    .map((l) => l.trim())
    .map((l, i) => (l && variants[i]?.trim() ? `${l}(${variants[i]!.trim()})` : l))
    .filter((l) => l !== '');
}

/** `Option "XkbLayout" "us,de"` / `Option "XkbVariant" ",nodeadkeys"` in an xorg.conf.d InputClass. */
export function parseXorgKeyboard(text: string): string[] {
  const option = (name: string) => new RegExp(`^\\s*Option\\s+"${name}"\\s+"([^"]*)"`, 'mi').exec(text)?.[1];
  return xkbLayouts(option('XkbLayout'), option('XkbVariant'));
}

/**
 * ~/.config/fcitx5/profile (INI): every [Groups/N/Items/M] has Name=<engine>. "keyboard-<layout>" items are
 * plain layouts; the others are input-method engines (hangul, mozc, pinyin, rime...).
 */
export function parseFcitx5Profile(text: string): { layouts: string[]; inputMethods: string[] } {
  const layouts: string[] = [];
  const inputMethods: string[] = [];
  let inItem = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inItem = /^\[Groups\/\d+\/Items\/\d+\]$/.test(line);
      continue;
    }
    const m = inItem ? /^Name=(.+)$/.exec(line) : null;
    if (!m) continue;
    const name = m[1]!.trim();
    if (name.startsWith('keyboard-')) layouts.push(name.slice('keyboard-'.length));
    else inputMethods.push(`fcitx5:${name}`);
  }
  return { layouts, inputMethods };
}

/** Input-method frameworks named by the environment: GTK_IM_MODULE, QT_IM_MODULE, XMODIFIERS=@im=NAME. */
export function inputMethodsFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  const names = [env.GTK_IM_MODULE, env.QT_IM_MODULE, /@im=([^\s@]+)/.exec(env.XMODIFIERS ?? '')?.[1]];
  return [...new Set(names.map((n) => n?.trim()).filter((n): n is string => !!n && n !== 'none' && n !== 'xim' && n !== 'simple'))];
}

/** POSIX locale "ko_KR.UTF-8" / "sr_RS@latin" → BCP 47 "ko-KR" / "sr-RS"; C and POSIX → undefined. */
export function posixToBcp47(locale: string): string | undefined {
  const base = locale.split(/[.@]/)[0]!.trim();
  if (base === '' || base === 'C' || base === 'POSIX') return undefined;
  return base.replace('_', '-');
}

/** /etc/localtime link target → IANA name: ".../zoneinfo/Asia/Seoul" → "Asia/Seoul". */
export function zoneFromLocaltimeLink(target: string): string | undefined {
  const m = /(?:^|\/)zoneinfo\/(?:posix\/|right\/)?(.+)$/.exec(target);
  return m?.[1];
}
