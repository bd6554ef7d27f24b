import { z } from 'zod';

export { ConfigError } from './errors.js';

/** One line per problem: the key's path and what is allowed (for an unknown key, the keys allowed at its level). */
export function describeIssues(error: z.ZodError, file: string, schema: z.ZodType): string {
  return error.issues
    .map((issue) => {
      const key = issue.path.join('.') || '(top level)';
      if (issue.code === 'unrecognized_keys') {
        const where = issue.path.length ? `${issue.path.join('.')}.` : '';
        const allowed = allowedKeysAt(schema, issue.path);
        const hint = allowed ? `; allowed ${where ? `in "${issue.path.join('.')}"` : 'at the top level'}: ${allowed.join(', ')}` : '';
        return `${file}: unknown key ${issue.keys.map((k) => `"${where}${k}"`).join(', ')}${hint}`;
      }
      return `${file}: ${key}: ${issue.message}`;
    })
    .join('\n');
}

/** The keys of the object the schema describes at `path`, through optional/default wrappers and arrays; undefined when none. */
export function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let node: z.ZodType | undefined = schema;
  const unwrap = (n: z.ZodType): z.ZodType => {
    let cur = n;
    // Wrappers keep the schema they wrap in def.innerType (optional, default, prefault, nullable, readonly).
    for (let i = 0; i < 10 && 'innerType' in cur._zod.def; i++) cur = (cur._zod.def as { innerType: z.ZodType }).innerType;
    return cur;
  };
  for (const segment of path) {
    node = unwrap(node);
    if (node instanceof z.ZodObject && typeof segment === 'string') node = node.shape[segment] as z.ZodType | undefined;
    else if (node instanceof z.ZodArray && typeof segment === 'number') node = node.element as z.ZodType;
    else return undefined;
    if (!node) return undefined;
  }
  node = unwrap(node);
  return node instanceof z.ZodObject ? Object.keys(node.shape) : undefined;
}
