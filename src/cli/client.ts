import { request } from 'undici';

export interface ClientOptions {
  node: string;
  token?: string;
}

export interface ClientResponse {
  status: number;
  contentType: string;
  text: string;
}

/** One request to a running node's REST API. */
export async function callNode(
  options: ClientOptions,
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH',
  path: string,
  body?: { text: string; contentType: string },
): Promise<ClientResponse> {
  const url = new URL(path, options.node.endsWith('/') ? options.node : `${options.node}/`);
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (body) headers['content-type'] = body.contentType;
  try {
    const response = await request(url, { method, headers, ...(body ? { body: body.text } : {}), headersTimeout: 30_000, bodyTimeout: 30_000 });
    const text = await response.body.text();
    return { status: response.statusCode, contentType: String(response.headers['content-type'] ?? ''), text };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ECONNREFUSED' ? 'connection refused (is the node running?)' : (err as Error).message;
    throw new ClientError(`cannot reach node at ${options.node}: ${reason}`);
  }
}

export class ClientError extends Error {}

/** Prints a response: JSON pretty-printed, other text as is; an error status becomes a thrown error. */
export function render(response: ClientResponse): string {
  if (response.status >= 400) {
    let detail = response.text;
    try {
      const body = JSON.parse(response.text) as { error?: string; message?: string; field?: string };
      detail = `${body.error ?? 'error'}: ${body.message ?? ''}${body.field ? ` (field: ${body.field})` : ''}`;
    } catch {
      // not JSON: show the text as it came
    }
    throw new ClientError(`HTTP ${response.status}: ${detail}`);
  }
  if (response.contentType.includes('json')) return JSON.stringify(JSON.parse(response.text), null, 2);
  return response.text;
}
