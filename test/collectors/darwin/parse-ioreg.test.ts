import { describe, expect, it } from 'vitest';
import { io, parseIoreg, parseIoValue } from '../../../collectors/parse-ioreg.js';
import { fixture } from '../../helpers/fake-context.js';

describe('parseIoreg', () => {
  it('reads node headers (name, location, class, depth) and typed properties', () => {
    const { nodes } = parseIoreg(fixture('darwin', 'ioreg-displayconnect.txt'));
    expect(nodes.map((n) => [n.name, n.className, n.depth])).toEqual([
      ['display0', 'IODisplayConnect', 0], ['AppleBacklightDisplay', 'AppleBacklightDisplay', 1],
      ['display0', 'IODisplayConnect', 0], ['AppleDisplay', 'AppleDisplay', 1],
      ['display0', 'IODisplayConnect', 0], ['AppleDisplay', 'AppleDisplay', 1],
    ]);
    const usb = parseIoreg(fixture('darwin', 'ioreg-usb-devices.txt')).nodes[0]!;
    expect([usb.name, usb.location, io.num(usb, 'locationID'), io.str(usb, 'USB Vendor Name')]).toEqual(['USB3.1 Hub', '01100000', 17825792, 'VIA Labs, Inc.']);
    const platform = parseIoreg(fixture('darwin', 'ioreg-platform.txt')).nodes[0]!;
    expect(io.str(platform, 'model')).toBe('MacBookPro18,3'); // <"…"> data read as text
    expect(io.num(platform, 'model')).toBeUndefined(); // wrong type reads as absent
  });

  it('values: nested dicts and arrays, Yes/No, data, escapes; odd values kept raw, never thrown', () => {
    expect(parseIoValue('{"a"=(1,{"b"=Yes}),"c"=<00ff>}')).toEqual({ a: [1, { b: true }], c: Buffer.from([0, 255]) });
    expect(parseIoValue('"say \\"hi\\""')).toBe('say "hi"');
    expect(parseIoValue('<00ff')).toBe('<00ff'); // truncated data
    expect(parseIoValue('{"a"=1')).toBe('{"a"=1'); // unterminated dict
    expect(parseIoValue('IOCommand is not serializable')).toBe('IOCommand is not serializable');
  });

  it('counts lines it does not understand; a truncated capture keeps the nodes read so far', () => {
    const text = fixture('darwin', 'ioreg-hid-devices.txt');
    const cut = parseIoreg(text.slice(0, text.indexOf('"ReportDescriptor"', 1000) + 40));
    expect(cut.nodes).toHaveLength(2);
    expect(Buffer.isBuffer(cut.nodes[1]!.props.ReportDescriptor)).toBe(false); // cut data stays raw text
    expect(parseIoreg('ioreg: garbage here\n').skipped).toBe(1);
  });
});
