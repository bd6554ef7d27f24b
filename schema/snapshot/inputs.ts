import { z } from 'zod';

export const inputDeviceSchema = z.object({
  name: z.string(),
  kind: z.enum(['keyboard', 'pointer', 'touchpad', 'touchscreen', 'tablet', 'other']),
  absolutePointer: z.boolean().describe('Reports absolute X/Y (as IP-KVMs, tablets and touchscreens do) rather than relative motion'),
  bus: z.enum(['usb', 'bluetooth', 'i2c', 'ps2', 'virtual', 'other']),
  vendorId: z.string().optional(),
  productId: z.string().optional(),
  usbPort: z.string().optional().describe('The usb.devices[].port this input belongs to'),
  handlers: z.array(z.string()).optional(),
});
export type InputDevice = z.infer<typeof inputDeviceSchema>;

export const inputsSchema = z.object({ devices: z.array(inputDeviceSchema) });
export type Inputs = z.infer<typeof inputsSchema>;
