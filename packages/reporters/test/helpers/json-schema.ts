// A small JSON Schema (draft 2020-12) validator for the keywords the report schema uses.
// It throws on any keyword it does not know, so the schema cannot silently rely on one it skips.

type Schema = Record<string, unknown> | boolean;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', '$defs']);
const KNOWN = new Set([
  ...ANNOTATIONS,
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'minimum',
  'minLength',
  'minItems',
  '$ref',
  'format',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Returns the list of violations (empty when `value` is valid), each as `path: message`. */
export function validateAgainstSchema(root: Record<string, unknown>, value: unknown): string[] {
  const errors: string[] = [];
  const resolve = (ref: string): Schema => {
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    let node: unknown = root;
    for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part];
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
    return node as Schema;
  };
  const visit = (schema: Schema, v: unknown, path: string): void => {
    if (schema === true) return;
    if (schema === false) {
      errors.push(`${path}: not allowed`);
      return;
    }
    for (const key of Object.keys(schema))
      if (!KNOWN.has(key)) throw new Error(`unsupported keyword ${key} at ${path}`);
    if (typeof schema['$ref'] === 'string') visit(resolve(schema['$ref']), v, path);
    if (schema['type'] !== undefined) {
      const types = Array.isArray(schema['type'])
        ? (schema['type'] as string[])
        : [schema['type'] as string];
      if (!types.some((t) => matchesType(v, t))) {
        errors.push(`${path}: expected ${types.join('|')}, got ${typeOf(v)}`);
        return;
      }
    }
    if ('const' in schema && JSON.stringify(schema['const']) !== JSON.stringify(v))
      errors.push(`${path}: expected const ${JSON.stringify(schema['const'])}`);
    if (
      Array.isArray(schema['enum']) &&
      !schema['enum'].some((e) => JSON.stringify(e) === JSON.stringify(v))
    )
      errors.push(`${path}: not in enum`);
    if (typeof schema['minimum'] === 'number' && typeof v === 'number' && v < schema['minimum'])
      errors.push(`${path}: below minimum`);
    if (
      typeof schema['minLength'] === 'number' &&
      typeof v === 'string' &&
      [...v].length < schema['minLength']
    )
      errors.push(`${path}: too short`);
    if (typeof schema['minItems'] === 'number' && Array.isArray(v) && v.length < schema['minItems'])
      errors.push(`${path}: too few items`);
    if (
      schema['format'] === 'date-time' &&
      typeof v === 'string' &&
      !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v)
    )
      errors.push(`${path}: not a date-time`);
    if (Array.isArray(v) && schema['items'] !== undefined)
      v.forEach((item, i) => visit(schema['items'] as Schema, item, `${path}[${i}]`));
    if (typeOf(v) === 'object') {
      const obj = v as Record<string, unknown>;
      const props = (schema['properties'] ?? {}) as Record<string, Schema>;
      for (const req of (schema['required'] ?? []) as string[])
        if (!(req in obj)) errors.push(`${path}.${req}: required`);
      for (const [key, child] of Object.entries(obj)) {
        if (key in props) visit(props[key]!, child, `${path}.${key}`);
        else if (schema['additionalProperties'] !== undefined)
          visit(schema['additionalProperties'] as Schema, child, `${path}.${key}`);
      }
    }
  };
  visit(root, value, '$');
  return errors;
}
