import type { TLSSocket } from 'node:tls';

/** The names of a TLS client certificate: its CN and DNS and IP subject alternative names. */
export function certificateNames(socket: TLSSocket): string[] {
  const certificate = socket.getPeerCertificate();
  if (!certificate || Object.keys(certificate).length === 0) return [];
  const names = new Set<string>();
  const cn = certificate.subject?.CN;
  if (typeof cn === 'string') names.add(cn);
  for (const entry of (certificate.subjectaltname ?? '').split(',')) {
    const match = /^\s*(?:DNS|IP Address):(.+)$/.exec(entry);
    if (match?.[1]) names.add(match[1].trim());
  }
  return [...names];
}
