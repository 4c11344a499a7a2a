import { jsonPointerToField } from '../protocol/validate.js';

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface SubstitutionError {
  field: string;
  variable: string;
}

/**
 * Replaces `${NAME}` (and `${NAME:-fallback}`) in every string of a parsed document with
 * the environment's value; `$$` stands for a literal `$`. Unset variables are collected
 * with the key path that uses them.
 */
export function substituteEnv(
  document: unknown,
  env: Record<string, string | undefined>,
): { value: unknown; errors: SubstitutionError[] } {
  const errors: SubstitutionError[] = [];
  const walk = (node: unknown, pointer: string): unknown => {
    if (typeof node === 'string') return substituteString(node, env, (variable) => errors.push({ field: jsonPointerToField(pointer), variable }));
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${pointer}/${i}`));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, `${pointer}/${k}`)]));
    }
    return node;
  };
  return { value: walk(document, ''), errors };
}

function substituteString(text: string, env: Record<string, string | undefined>, onMissing: (name: string) => void): string {
  return text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$$') return '$';
    const value = env[name as string];
    if (value !== undefined && !(fallback !== undefined && value === '')) return value;
    if (fallback !== undefined) return fallback;
    onMissing(name as string);
    return '';
  });
}
