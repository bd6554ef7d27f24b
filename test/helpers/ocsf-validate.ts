import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/**
 * An OCSF event validator for the tests, written to the rules of OCSF's own validators (ocsf-server's /api/validate,
 * ocsf-validator): against a compiled schema, for the event's class, every required attribute is present, no
 * attribute is outside the class or its objects (an attribute of a profile counts only when metadata.profiles
 * declares that profile), values have their type (with the type's regex, range, length and values), enum attributes
 * hold a listed value and their sibling the listed caption, and object constraints (at_least_one, just_one) hold;
 * recursively into every object and array.
 */

interface Attr {
  type: string;
  requirement?: string;
  is_array?: boolean;
  enum?: Record<string, { caption: string }> | null;
  profile?: string | null;
  sibling?: string | null;
  object_type?: string | null;
  '@deprecated'?: unknown;
}
interface Shape {
  attributes: Record<string, Attr>;
  constraints?: { at_least_one?: string[]; just_one?: string[] } | null;
}
interface TypeDef {
  type?: string | null;
  regex?: string | null;
  range?: [number, number] | null;
  max_len?: number | null;
  values?: unknown[] | null;
}
export interface OcsfSchema {
  version: string;
  classes: Record<string, Shape & { uid: number; profiles?: string[] | null }>;
  objects: Record<string, Shape>;
  types: Record<string, TypeDef>;
}

export function loadOcsfSchema(version: string): OcsfSchema {
  const file = fileURLToPath(new URL(`../fixtures/ocsf/schema-${version}.json.gz`, import.meta.url));
  return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as OcsfSchema;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The problems of one event as "path: problem" lines; empty when valid. */
export function validateOcsf(schema: OcsfSchema, event: unknown): string[] {
  const errors: string[] = [];
  if (!isObject(event)) return ['(root): an event is a JSON object'];
  const cls = Object.entries(schema.classes).find(([, c]) => c.uid === event.class_uid);
  if (!cls) return [`class_uid: ${String(event.class_uid)} is no class of OCSF ${schema.version}`];
  const metadata = isObject(event.metadata) ? event.metadata : {};
  if (metadata.version !== schema.version) errors.push(`metadata.version: ${String(metadata.version)}, validating against ${schema.version}`);
  const profiles = Array.isArray(metadata.profiles) ? metadata.profiles.filter((p): p is string => typeof p === 'string') : [];
  for (const p of profiles) if (!(cls[1].profiles ?? []).includes(p)) errors.push(`metadata.profiles: ${p} is not a profile of class ${cls[0]}`);

  const typeOk = (path: string, typeName: string, v: unknown): void => {
    const def = schema.types[typeName];
    if (!def) return void errors.push(`${path}: unknown type ${typeName}`);
    const base = def.type ?? typeName;
    const ok =
      base === 'string_t' ? typeof v === 'string'
      : base === 'integer_t' ? Number.isInteger(v) && Math.abs(v as number) <= 2 ** 31
      : base === 'long_t' ? Number.isSafeInteger(v)
      : base === 'float_t' ? typeof v === 'number' && Number.isFinite(v)
      : base === 'boolean_t' ? typeof v === 'boolean'
      : base === 'json_t' ? v !== undefined
      : false;
    if (!ok) return void errors.push(`${path}: ${JSON.stringify(v)?.slice(0, 60)} is not ${typeName}`);
    if (def.regex && typeof v === 'string' && !new RegExp(def.regex).test(v)) errors.push(`${path}: ${v.slice(0, 60)} does not match ${typeName}`);
    if (def.range && typeof v === 'number' && (v < def.range[0] || v > def.range[1])) errors.push(`${path}: ${v} is outside ${typeName}'s range`);
    if (def.max_len && typeof v === 'string' && v.length > def.max_len) errors.push(`${path}: longer than ${def.max_len}`);
    if (def.values && !def.values.includes(v)) errors.push(`${path}: ${String(v)} is not a value of ${typeName}`);
  };

  const value = (path: string, attr: Attr, v: unknown): void => {
    if (attr.is_array) {
      if (!Array.isArray(v)) return void errors.push(`${path}: an array is expected`);
      v.forEach((item, i) => value(`${path}[${i}]`, { ...attr, is_array: false }, item));
      return;
    }
    if (Array.isArray(v)) return void errors.push(`${path}: a single value is expected, not an array`);
    const object = schema.objects[attr.type];
    if (object) {
      if (!isObject(v)) return void errors.push(`${path}: an object (${attr.type}) is expected`);
      // The generic `object` type (unmapped) holds anything.
      if (attr.type !== 'object') shape(path, object, v);
      return;
    }
    typeOk(path, attr.type, v);
    if (attr.enum && !Object.hasOwn(attr.enum, String(v))) errors.push(`${path}: ${String(v)} is not in the enum (${Object.keys(attr.enum).join(', ')})`);
  };

  const shape = (path: string, s: Shape, obj: Record<string, unknown>): void => {
    const at = (k: string) => (path ? `${path}.${k}` : k);
    for (const [k, v] of Object.entries(obj)) {
      const attr = s.attributes[k];
      if (!attr) {
        errors.push(`${at(k)}: not an attribute here`);
        continue;
      }
      if (attr.profile && !profiles.includes(attr.profile)) errors.push(`${at(k)}: belongs to profile ${attr.profile}, not in metadata.profiles`);
      if (attr['@deprecated']) errors.push(`${at(k)}: deprecated`);
      if (v === null) {
        errors.push(`${at(k)}: null (leave the attribute out instead)`);
        continue;
      }
      value(at(k), attr, v);
      if (attr.enum && attr.sibling && obj[attr.sibling] !== undefined && String(v) !== '99') {
        const caption = attr.enum[String(v)]?.caption;
        if (caption !== undefined && obj[attr.sibling] !== caption) errors.push(`${at(attr.sibling)}: ${String(obj[attr.sibling])}, the caption of ${k}=${String(v)} is ${caption}`);
      }
    }
    for (const [k, attr] of Object.entries(s.attributes)) {
      if (attr.requirement === 'required' && (!attr.profile || profiles.includes(attr.profile)) && obj[k] === undefined) errors.push(`${at(k)}: required`);
    }
    const present = (names: string[]) => names.filter((n) => obj[n] !== undefined).length;
    if (s.constraints?.at_least_one && present(s.constraints.at_least_one) < 1) errors.push(`${path || '(root)'}: needs at least one of ${s.constraints.at_least_one.join(', ')}`);
    if (s.constraints?.just_one && present(s.constraints.just_one) !== 1) errors.push(`${path || '(root)'}: needs exactly one of ${s.constraints.just_one.join(', ')}`);
  };

  shape('', cls[1], event);
  const expectedType = (event.class_uid as number) * 100 + (event.activity_id as number);
  if (event.type_uid !== expectedType) errors.push(`type_uid: ${String(event.type_uid)}, class_uid × 100 + activity_id is ${expectedType}`);
  return errors;
}
