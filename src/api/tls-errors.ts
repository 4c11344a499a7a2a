import type { Server } from 'node:net';
import type { Socket } from 'node:net';
import type { Logger } from '../observability/logger.js';
import { LogLimiter } from '../observability/log-limiter.js';

const PLAIN_HTTP_BODY = JSON.stringify({
  error: 'validation_failed',
  message: 'This port speaks HTTPS (TLS 1.3): use an https:// URL',
});

/** The answer a plain-HTTP client gets on the TLS port: short, in the REST error shape, then the connection closes. */
export const PLAIN_HTTP_ANSWER =
  'HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\n' +
  `content-length: ${Buffer.byteLength(PLAIN_HTTP_BODY)}\r\n\r\n${PLAIN_HTTP_BODY}`;

/**
 * Failed TLS handshakes on the node's port. Plain HTTP sent to it gets a short answer saying
 * the port speaks HTTPS (instead of a closed connection); a client refused for want of a
 * certificate (`server.tls.require_client_cert`) or with one the CA did not sign is logged
 * as `TLS handshake refused`, at most once a minute per address and reason.
 */
export function watchTlsErrors(server: Server, logger: Pick<Logger, 'warn'>): void {
  const limiter = new LogLimiter(60_000);
  server.on('tlsClientError', (err: NodeJS.ErrnoException, tlsSocket: Socket & { _parent?: Socket }) => {
    const address = tlsSocket.remoteAddress ?? tlsSocket._parent?.remoteAddress ?? 'unknown';
    if (err.code === 'ERR_SSL_HTTP_REQUEST') {
      // The TLS socket is unusable; its underlying TCP socket still reaches the client.
      // Node exposes it only as `_parent` (no public accessor exists).
      const raw = tlsSocket._parent;
      if (raw?.writable) raw.end(PLAIN_HTTP_ANSWER);
      return;
    }
    const reason = describeHandshakeError(err);
    if (reason === undefined) return;
    const line = limiter.take(`${address} ${reason}`);
    if (line) logger.warn({ address, reason, code: err.code, suppressed: line.suppressed }, 'TLS handshake refused');
  });
}

/** Why a client's handshake failed, for the ones an operator acts on; undefined for ordinary disconnects. */
function describeHandshakeError(err: NodeJS.ErrnoException): string | undefined {
  const text = `${err.code ?? ''} ${err.message}`;
  if (/PEER_DID_NOT_RETURN_A_CERTIFICATE|peer did not return a certificate/i.test(text)) return 'client sent no certificate (server.tls.require_client_cert)';
  if (/CERTIFICATE_VERIFY_FAILED|unknown ca|certificate verify failed|bad certificate/i.test(text)) return 'client certificate not signed by server.tls.ca_path';
  if (/ECONNRESET/.test(text)) return undefined;
  return `TLS handshake failed: ${err.code ?? err.message}`;
}
