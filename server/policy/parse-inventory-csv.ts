import type { InventoryRow } from './schema.js';

export interface ParsedInventory {
  rows: InventoryRow[];
  /** Lines that could not be used, with the reason (1-based line numbers). */
  skipped: { line: number; reason: string }[];
}

const aliases: Record<string, keyof Omit<InventoryRow, 'key'> | 'key'> = {
  device: 'key', deviceid: 'key', device_id: 'key', serial: 'key', serialnumber: 'key', serial_number: 'key', hostname: 'key',
  employee: 'employee', assignedemployee: 'employee', assigned_employee: 'employee', user: 'employee', owner: 'employee',
  country: 'country', expectedcountry: 'country', expected_country: 'country',
  group: 'group', devicegroup: 'group', device_group: 'group',
};

/** RFC 4180 fields of one record: quotes, doubled quotes, commas inside quotes. */
function splitRecords(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',' || c === ';') record.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      (record = []), (field = '');
    } else field += c;
  }
  if (field || record.length) record.push(field), records.push(record);
  return records;
}

/**
 * Pure: the IT export as CSV with a header row naming `device` or `serial` (or `hostname`), `employee`, `country`
 * (ISO alpha-2) and `group`, in any order and case. A row without a key or with a bad country is skipped and said.
 */
export function parseInventoryCsv(text: string): ParsedInventory {
  const records = splitRecords(text.replace(/^\uFEFF/, ''));
  const header = records.shift()?.map((h) => aliases[h.trim().toLowerCase().replace(/[\s-]/g, '')]);
  if (!header || !header.includes('key')) throw new Error('the first line must be a header naming a device, serial or hostname column');
  const rows: InventoryRow[] = [];
  const skipped: ParsedInventory['skipped'] = [];
  records.forEach((fields, i) => {
    const line = i + 2;
    if (fields.every((f) => !f.trim())) return;
    const row: InventoryRow = { key: '', employee: null, country: null, group: null };
    header.forEach((name, j) => {
      const value = fields[j]?.trim() ?? '';
      if (!name || !value) return;
      if (name === 'key') row.key ||= value;
      else row[name] = value;
    });
    if (!row.key) return void skipped.push({ line, reason: 'no device, serial or hostname' });
    if (row.key.length > 128) return void skipped.push({ line, reason: 'key longer than 128 characters' });
    if (row.country !== null) {
      const country = row.country.toUpperCase();
      if (!/^[A-Z]{2}$/.test(country)) return void skipped.push({ line, reason: `country "${row.country}" is not ISO 3166-1 alpha-2` });
      row.country = country;
    }
    rows.push(row);
  });
  return { rows, skipped };
}
