import { Type, type TSchema } from '@sinclair/typebox';

/** ISO 8601 UTC timestamp, e.g. `2026-11-27T08:30:00.000Z` (validated by the `utc-date-time` format). */
export const UtcTimestamp = Type.String({ format: 'utc-date-time' });

/** Identifier of a node, peer or record: letters, digits, '-', '_', '.', ':'. */
export const RecordId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' });

/** An object schema that keeps fields it does not know (PROTOCOL.md section 3). */
export function OpenObject<T extends Record<string, TSchema>>(properties: T) {
  return Type.Object(properties, { additionalProperties: true });
}

/** A closed upper-case enumeration: any other value is invalid. */
export function Enum<const V extends readonly string[]>(values: V) {
  // One `enum` keyword (not a union of literals) so that a wrong value yields one clear error.
  return Type.Unsafe<V[number]>({ type: 'string', enum: [...values] });
}

export const StateVector = OpenObject({
  reference_frame: Type.Optional(Type.String()),
  epoch: Type.Optional(UtcTimestamp),
  x_km: Type.Number(),
  y_km: Type.Number(),
  z_km: Type.Number(),
  vx_km_s: Type.Number(),
  vy_km_s: Type.Number(),
  vz_km_s: Type.Number(),
});
