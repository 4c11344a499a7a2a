import { PROTOCOL_VERSION, PROTOCOL_VERSION_1_1, SUPPORTED_VERSIONS, type Envelope } from './envelope.js';
import { CAPABILITIES, FEATURES, type ErrorCode, type PublicKeyEntry } from './messages.js';

/** Identity and clock of the sender, so that builders stay pure. */
export interface Origin {
  nodeId: string;
  messageId: string;
  now: Date;
}

function base(origin: Origin) {
  return {
    protocol_version: PROTOCOL_VERSION,
    message_id: origin.messageId,
    timestamp: origin.now.toISOString(),
    source_node_id: origin.nodeId,
    hop_count: 0,
    ttl: 1,
    path: [origin.nodeId],
  };
}

/** The node's HELLO; `publicKeys` (section 10) lists its own signing keys. */
export function helloEnvelope(origin: Origin, nodeName: string, authToken: string | undefined, publicKeys: readonly PublicKeyEntry[] = []): Envelope<'HELLO'> {
  return {
    ...base(origin),
    message_type: 'HELLO',
    payload: {
      node_name: nodeName,
      capabilities: [...CAPABILITIES],
      supported_versions: [...SUPPORTED_VERSIONS],
      features: [...FEATURES],
      ...(authToken !== undefined ? { auth_token: authToken } : {}),
      ...(publicKeys.length > 0 ? { public_keys: publicKeys.map((k) => ({ ...k })) } : {}),
    },
  };
}

export function heartbeatEnvelope(origin: Origin, sequence: number, counts: { objects_tracked: number; cdms_active: number }): Envelope<'HEARTBEAT'> {
  return { ...base(origin), message_type: 'HEARTBEAT', payload: { sequence, ...counts } };
}

/** A 1.1 session message (SYNC_REQUEST, GOODBYE): hop 0, ttl 1, never forwarded. */
export function sessionEnvelope<T extends 'SYNC_REQUEST' | 'GOODBYE'>(origin: Origin, type: T, reason: string): Envelope<T> {
  return { ...base(origin), protocol_version: PROTOCOL_VERSION_1_1, message_type: type, payload: { reason } } as Envelope<T>;
}

export const ERROR_HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_MESSAGE: 400,
  INVALID_SIGNATURE: 400,
  UNSUPPORTED_VERSION: 400,
  UNAUTHORIZED: 401,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
};

export function errorEnvelope(origin: Origin, code: ErrorCode, message: string, relatedMessageId?: string): Envelope<'ERROR'> {
  return {
    ...base(origin),
    message_type: 'ERROR',
    payload: { error_code: code, error_message: message, ...(relatedMessageId !== undefined ? { related_message_id: relatedMessageId } : {}) },
  };
}
