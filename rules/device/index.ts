import type { Rule } from '../types.js';
import { displayVirtualAdapter } from './display-virtual-adapter.js';
import { hostClamshell } from './host-clamshell.js';
import { hostVirtualMachine } from './host-virtual-machine.js';
import { ipkvmEdid } from './ipkvm-edid.js';
import { ipkvmHidShape } from './ipkvm-hid-shape.js';
import { ipkvmLanNeighbor } from './ipkvm-lan-neighbor.js';
import { ipkvmUsb } from './ipkvm-usb.js';
import { ipkvmUsbNetwork } from './ipkvm-usb-network.js';
import { ipkvmVirtualMedia } from './ipkvm-virtual-media.js';
import { jigglerHardware } from './jiggler-hardware.js';
import { inputVirtualDevice } from './virtual-input.js';

/** ipkvm.*, jiggler.hardware, display.virtual-adapter, host.clamshell, host.virtual-machine, input.virtual-device: an explicit list. */
export const deviceRules: readonly Rule[] = [
  ipkvmUsb, ipkvmHidShape, ipkvmVirtualMedia, ipkvmEdid, ipkvmUsbNetwork, ipkvmLanNeighbor,
  jigglerHardware, displayVirtualAdapter, hostClamshell, hostVirtualMachine, inputVirtualDevice,
];
