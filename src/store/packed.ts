import { deflateRawSync, inflateRawSync, type ZlibOptions } from 'node:zlib';
import { PACK_DICTIONARY } from './pack-dictionary.js';

/**
 * A JSON value kept compactly in memory: its JSON text, deflated (RFC 1951, raw, with the
 * preset dictionary of `pack-dictionary.ts`), in a one-byte string (each char one byte,
 * `latin1`). A string lives in the V8 heap with a 16-byte header, where a `Buffer` would add
 * an ArrayBuffer object and an external backing store per value. The same idea as
 * PostgreSQL's TOAST for values over 2 KB: the value is stored once, compressed, and
 * parsed when read.
 */
export type Packed = string & { readonly __packed: unique symbol };

/**
 * An 8 KiB window (a CDM record is 2 to 9 KB of JSON; the dictionary, 3.4 KB, fits) and a
 * small hash table keep the per-call state of zlib small (about 24 KiB instead of 256 KiB),
 * which is what a short input costs most.
 */
const DEFLATE: ZlibOptions = { dictionary: PACK_DICTIONARY, windowBits: 13, memLevel: 6, level: 6 };
const INFLATE: ZlibOptions = { dictionary: PACK_DICTIONARY, windowBits: 13 };

/** The value's JSON, deflated. Values that JSON cannot carry (undefined members, functions) are dropped as by `JSON.stringify`. */
export function packJson(value: unknown): Packed {
  return deflateRawSync(Buffer.from(JSON.stringify(value), 'utf8'), DEFLATE).toString('latin1') as Packed;
}

/** The value `packJson` was given, parsed again (a new object on every call). */
export function unpackJson<T>(packed: Packed): T {
  return JSON.parse(inflateRawSync(Buffer.from(packed, 'latin1'), INFLATE).toString('utf8')) as T;
}

/** Bytes the packed value takes (its string's length, one byte a char). */
export function packedBytes(packed: Packed): number {
  return packed.length;
}
