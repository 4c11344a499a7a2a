/**
 * What keeps a secret from being sent as an HTTP header value (`Authorization: Bearer
 * <secret>`), or undefined when it can be: one or more printable ASCII characters without
 * spaces (0x21-0x7E). Control characters, line breaks and non-ASCII characters cannot be
 * carried in a header (RFC 9110 section 5.5; obs-text is not sent by clients), and a
 * space would split the bearer credential (RFC 6750 section 2.1).
 */
export function headerValueProblem(secret: string): string | undefined {
  for (const char of secret) {
    const code = char.codePointAt(0) as number;
    if (code < 0x21 || code > 0x7e) {
      const shown = code === 0x20 ? 'a space' : `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
      return `contains ${shown}; a token must be printable ASCII without spaces to travel in an Authorization header`;
    }
  }
  return undefined;
}
