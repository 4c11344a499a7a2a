import { Type, type Static } from '@sinclair/typebox';
import { OpenObject, RecordId, UtcTimestamp } from './common.js';
import type { MessageType, PayloadByType } from './messages.js';

/** The version written on table messages: their shape is the same in 1.0 and 1.1, so every peer takes them. */
export const PROTOCOL_VERSION = '1.0';
/** PROTOCOL.md section 9: this node speaks 1.0 and 1.1 and lists both in HELLO. */
export const SUPPORTED_VERSIONS: readonly string[] = ['1.0', '1.1'];
/** The version written on messages that exist only in 1.1 (SYNC_REQUEST, GOODBYE). */
export const PROTOCOL_VERSION_1_1 = '1.1';

/**
 * The originator's signature (PROTOCOL.md section 10), passed on unchanged. Only its shape
 * is checked here; whether it verifies is for src/trust, so that a node in `log` mode can
 * take and mark a message whose signature is wrong.
 */
export const EnvelopeSignature = OpenObject({
  alg: Type.String({ minLength: 1, maxLength: 32 }),
  key_id: Type.String({ minLength: 1, maxLength: 160 }),
  value: Type.String({ minLength: 1, maxLength: 256 }),
});
export type EnvelopeSignature = Static<typeof EnvelopeSignature>;

/**
 * The envelope without its payload check: `message_type` is any string here so that an
 * unknown type can be told apart from a malformed envelope (PROTOCOL.md section 4).
 */
export const EnvelopeShape = OpenObject({
  protocol_version: Type.String({ pattern: '^\\d+\\.\\d+(\\.\\d+)?$' }),
  message_id: Type.String({ minLength: 1, maxLength: 128 }),
  timestamp: UtcTimestamp,
  source_node_id: RecordId,
  message_type: Type.String({ minLength: 1 }),
  hop_count: Type.Integer({ minimum: 0 }),
  ttl: Type.Integer({ minimum: 0 }),
  path: Type.Optional(Type.Array(RecordId)),
  payload: Type.Object({}, { additionalProperties: true }),
  signature: Type.Optional(EnvelopeSignature),
});

type EnvelopeBase = Static<typeof EnvelopeShape>;

/** A validated envelope whose payload matches its message type. */
export type Envelope<T extends MessageType = MessageType> = {
  [K in T]: Omit<EnvelopeBase, 'message_type' | 'payload'> & { message_type: K; payload: PayloadByType[K] };
}[T];
