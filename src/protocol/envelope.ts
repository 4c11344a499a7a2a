import { Type, type Static } from '@sinclair/typebox';
import { OpenObject, RecordId, UtcTimestamp } from './common.js';
import type { MessageType, PayloadByType } from './messages.js';

export const PROTOCOL_VERSION = '1.0';
export const SUPPORTED_VERSIONS: readonly string[] = [PROTOCOL_VERSION];

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
});

type EnvelopeBase = Static<typeof EnvelopeShape>;

/** A validated envelope whose payload matches its message type. */
export type Envelope<T extends MessageType = MessageType> = {
  [K in T]: Omit<EnvelopeBase, 'message_type' | 'payload'> & { message_type: K; payload: PayloadByType[K] };
}[T];
