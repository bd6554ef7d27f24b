import type { InputDevice } from '../../schema/snapshot/inputs.js';

/** Event types, key/button, axis and property codes from linux/input-event-codes.h (kernel UAPI). */
const EV_KEY = 1, EV_REL = 2, EV_ABS = 3, EV_LED = 0x11;
const REL_X = 0, REL_Y = 1, ABS_X = 0, ABS_Y = 1;
const BTN_LEFT = 0x110, BTN_TOOL_PEN = 0x140, BTN_TOOL_FINGER = 0x145, BTN_TOUCH = 0x14a, BTN_STYLUS = 0x14b;
const INPUT_PROP_POINTER = 0, INPUT_PROP_DIRECT = 1;
/** KEY_ESC (1) .. KEY_S (31): a full keyboard has them all, a power button or a remote control has not. */
const KEY_ESC = 1, KEY_S = 31;

const buses: Record<string, InputDevice['bus']> = {
  '0003': 'usb', '0005': 'bluetooth', '0018': 'i2c', '0011': 'ps2', '0006': 'virtual',
};

/** A `B: NAME=` bitmap: hex words, most significant first, each one `unsigned long` of the kernel that printed it. */
class Bitmap {
  private readonly words: bigint[];
  constructor(text: string, private readonly bitsPerLong: number) {
    this.words = text.trim().split(/\s+/).filter(Boolean).map((w) => BigInt(`0x${w}`)).reverse();
  }
  has(bit: number): boolean {
    const word = this.words[Math.floor(bit / this.bitsPerLong)];
    return word !== undefined && ((word >> BigInt(bit % this.bitsPerLong)) & 1n) === 1n;
  }
}

export interface ParseOptions {
  /** The kernel's long width. 64 on x86_64/arm64 (the default); 32-bit kernels print 32-bit words. */
  bitsPerLong?: 32 | 64;
}

export interface ProcInputResult {
  devices: InputDevice[];
  /** Blocks that could not be read, with why. */
  problems: string[];
}

/** "…/usb1/1-2/1-2:1.0/0003:1D6B:0104.0001/input/input5" → "1-2": the USB device the input hangs off. */
export function usbPortFromSysfs(sysfs: string): string | undefined {
  const parts = sysfs.split('/');
  for (let i = parts.length - 1; i >= 0; i -= 1) {
    const m = /^(\d+-\d+(?:\.\d+)*):\d+\.\d+$/.exec(parts[i]!);
    if (m) return m[1];
  }
  return undefined;
}

interface Block { fields: Map<string, string>; bitmaps: Map<string, string>; handlers: string[] }

function kindOf(b: Block, bits: number): Pick<InputDevice, 'kind' | 'absolutePointer'> {
  const map = (name: string) => new Bitmap(b.bitmaps.get(name) ?? '', bits);
  const ev = map('EV'), key = map('KEY'), abs = map('ABS'), rel = map('REL'), prop = map('PROP');
  const hasAbsXY = ev.has(EV_ABS) && abs.has(ABS_X) && abs.has(ABS_Y);
  const hasRelXY = ev.has(EV_REL) && rel.has(REL_X) && rel.has(REL_Y);
  const keys = ev.has(EV_KEY);
  let kind: InputDevice['kind'] = 'other';
  if (hasAbsXY && keys && (key.has(BTN_TOOL_PEN) || key.has(BTN_STYLUS))) kind = 'tablet';
  else if (hasAbsXY && prop.has(INPUT_PROP_DIRECT)) kind = 'touchscreen';
  else if (hasAbsXY && keys && (key.has(BTN_TOOL_FINGER) || (prop.has(INPUT_PROP_POINTER) && key.has(BTN_TOUCH)))) kind = 'touchpad';
  else if ((hasRelXY || hasAbsXY) && keys && key.has(BTN_LEFT)) kind = 'pointer';
  else if (keys && isFullKeyboard(key)) kind = 'keyboard';
  else if (keys && ev.has(EV_LED) && b.handlers.includes('kbd') && b.handlers.includes('leds')) kind = 'keyboard';
  return { kind, absolutePointer: hasAbsXY && kind !== 'touchpad' };
}

function isFullKeyboard(key: Bitmap): boolean {
  for (let k = KEY_ESC; k <= KEY_S; k += 1) if (!key.has(k)) return false;
  return true;
}

function toDevice(b: Block, bits: number): InputDevice | string {
  const idLine = b.fields.get('I');
  const id = /Bus=([0-9a-fA-F]{4})\s+Vendor=([0-9a-fA-F]{4})\s+Product=([0-9a-fA-F]{4})/.exec(idLine ?? '');
  const name = /^Name="(.*)"\s*$/.exec(b.fields.get('N') ?? '')?.[1];
  if (!id || name === undefined) return `input block skipped: no ${id ? 'N: Name=' : 'I: Bus= line'} (${JSON.stringify((idLine ?? b.fields.get('N') ?? '').slice(0, 60))})`;
  let shape: Pick<InputDevice, 'kind' | 'absolutePointer'>;
  try {
    shape = kindOf(b, bits);
  } catch {
    return `input "${name}" skipped: malformed bitmap`;
  }
  const bus = buses[id[1]!] ?? 'other';
  const sysfs = /^Sysfs=(.*)$/.exec(b.fields.get('S') ?? '')?.[1];
  const usbPort = bus === 'usb' && sysfs ? usbPortFromSysfs(sysfs) : undefined;
  return {
    name,
    ...shape,
    bus,
    vendorId: id[2]!.toLowerCase(),
    productId: id[3]!.toLowerCase(),
    ...(usbPort ? { usbPort } : {}),
    handlers: b.handlers,
  };
}

/**
 * Parses /proc/bus/input/devices: blank-line separated blocks of `X: ...` lines (I: ids, N: name, P: phys,
 * S: sysfs path, U: uniq, H: handlers, B: bitmaps). Blocks without ids or a name are counted in `problems`.
 */
export function parseProcInputDevices(text: string, opts: ParseOptions = {}): ProcInputResult {
  const bits = opts.bitsPerLong ?? 64;
  const devices: InputDevice[] = [];
  const problems: string[] = [];
  for (const chunk of text.split(/\r?\n\s*\r?\n/)) {
    if (!chunk.trim()) continue;
    const block: Block = { fields: new Map(), bitmaps: new Map(), handlers: [] };
    for (const line of chunk.split(/\r?\n/)) {
      const m = /^([A-Z]): (.*)$/.exec(line);
      if (!m) continue;
      const [, tag, rest] = m;
      if (tag === 'B') {
        const b = /^(\w+)=(.*)$/.exec(rest!);
        if (b) block.bitmaps.set(b[1]!, b[2]!);
      } else if (tag === 'H') {
        block.handlers = rest!.replace(/^Handlers=/, '').trim().split(/\s+/).filter(Boolean);
      } else {
        block.fields.set(tag!, rest!);
      }
    }
    const result = toDevice(block, bits);
    if (typeof result === 'string') problems.push(result);
    else devices.push(result);
  }
  return { devices, problems };
}
