import type { PostResult } from './transport.js';

const CERTIFICATE_ERRORS = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

/** The peer's certificate did not verify: a failed authentication, not a network fault. */
export function isCertificateError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code ?? (err as { cause?: NodeJS.ErrnoException }).cause?.code;
  return code !== undefined && CERTIFICATE_ERRORS.has(code);
}

export function describeNetworkError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timeout';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'request timeout';
  return (err as Error).message || String(code);
}

export function describeRefusal(result: PostResult): string {
  const payload = (result.body as { payload?: { error_code?: string; error_message?: string } } | undefined)?.payload;
  return payload?.error_code ? `${payload.error_code}: ${payload.error_message ?? ''}` : `HTTP ${result.status}`;
}
