/**
 * What is wrong with a peer address, or undefined when it is usable: an absolute `http:`
 * or `https:` URL (WHATWG URL parsing, as undici uses) with a host, no user name or
 * password (tokens go in `auth_token`), no query or fragment, and a port from 1 to 65535
 * when one is given (the scheme's default otherwise). Checked before a peer is stored
 * (`POST /peers`), in the configuration, and for peers read back from the store at start.
 */
export function peerAddressProblem(address: unknown): string | undefined {
  if (typeof address !== 'string' || address === '') return 'must be an http(s) URL';
  const explicitPort = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(?:\[[^\]]*\]|[^/?#:]*):(\d*)(?:[/?#]|$)/.exec(address)?.[1];
  if (explicitPort !== undefined && (explicitPort === '' || Number(explicitPort) < 1 || Number(explicitPort) > 65535)) {
    return `must have a port from 1 to 65535 (got "${explicitPort}")`;
  }
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'must be an absolute http(s) URL, e.g. https://peer.example.org:8443';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must use http or https (got ${url.protocol.slice(0, -1)})`;
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password; give the token in auth_token';
  if (url.hostname === '') return 'must name a host';
  if (url.search !== '' || url.hash !== '') return 'must not have a query or fragment';
  return undefined;
}
