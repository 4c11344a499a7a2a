import { Type } from '@sinclair/typebox';
import { CHANGE_TYPES, type ChangeFilter, type ChangeType } from '../store/changes.js';
import { invalid } from './errors.js';
import { enumParam, levelParam, numberParam, stringParam, timestampParam } from './query.js';

/** `types` as a comma-separated list of change types. */
function typesParam(query: Record<string, unknown>): ChangeType[] | undefined {
  const text = stringParam(query, 'types');
  if (text === undefined) return undefined;
  const types = text.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const unknown = types.find((t) => !(CHANGE_TYPES as readonly string[]).includes(t));
  if (unknown !== undefined || types.length === 0) {
    throw invalid('types', `Invalid query parameter types: ${unknown ?? '(empty)'} is not one of ${CHANGE_TYPES.join(', ')}`);
  }
  return types as ChangeType[];
}

/** The stream's filters from its query: those of `GET /events` (without sort and paging), plus `types`. */
export function changeFilterFromQuery(query: Record<string, unknown>, levels?: readonly string[]): ChangeFilter {
  const status = enumParam(query, 'status', ['active', 'closed', 'all'] as const, 'all');
  const filter: ChangeFilter = {
    types: typesParam(query),
    object_id: stringParam(query, 'object_id'),
    owner: stringParam(query, 'owner'),
    min_pc: numberParam(query, 'min_pc', { min: 0, max: 1 }),
    level: levels ? levelParam(query, levels) : stringParam(query, 'level'),
    ...(status !== 'all' ? { status } : {}),
    tca_from: timestampParam(query, 'tca_from'),
    tca_to: timestampParam(query, 'tca_to'),
  };
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as ChangeFilter;
}

/** The `filters` object of `POST /subscriptions`: the same names and values as the stream's query. */
export const ChangeFilterSchema = Type.Object(
  {
    types: Type.Optional(Type.Array(Type.Unsafe<ChangeType>({ type: 'string', enum: [...CHANGE_TYPES] }), { minItems: 1 })),
    object_id: Type.Optional(Type.String({ minLength: 1 })),
    owner: Type.Optional(Type.String({ minLength: 1 })),
    min_pc: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    level: Type.Optional(Type.String({ minLength: 1 })),
    status: Type.Optional(Type.Unsafe<'active' | 'closed'>({ type: 'string', enum: ['active', 'closed'] })),
    tca_from: Type.Optional(Type.String({ format: 'utc-date-time' })),
    tca_to: Type.Optional(Type.String({ format: 'utc-date-time' })),
  },
  { additionalProperties: false },
);

/**
 * `Last-Event-ID` (WHATWG HTML, server-sent events): the `seq` of the last change the client
 * received; undefined when absent or empty.
 */
export function lastEventIdHeader(value: string | string[] | undefined): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,15}$/.test(text)) throw invalid('Last-Event-ID', 'Last-Event-ID must be the id (a whole number) of the last event received');
  return Number(text);
}
