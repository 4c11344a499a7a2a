import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The JSON body, or undefined when the body is not JSON. */
  json: Record<string, unknown> | undefined;
}

/**
 * Sends bytes exactly as given over a fresh TCP connection (for requests an HTTP client
 * library would refuse to send: bad encodings, duplicate headers, wrong lengths), writing
 * all of them before reading, as simple clients do. Resolves with the first response.
 */
export function rawRequest(url: string, request: string | Buffer, options: { timeoutMs?: number; writeAllFirst?: boolean } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response within ${options.timeoutMs ?? 10_000} ms: ${Buffer.concat(chunks).toString('latin1').slice(0, 200)}`));
    }, options.timeoutMs ?? 10_000);
    // With writeAllFirst, like a client that sends its whole body before it reads (Python's
    // http.client): an error while writing fails the request even if an answer came first.
    let written = options.writeAllFirst !== true;
    const finish = (error?: Error) => {
      if (!written) {
        if (error) {
          clearTimeout(timer);
          socket.destroy();
          reject(new Error(`the server closed the connection while the request was being written: ${error.message}`));
        }
        return;
      }
      const parsed = parseResponse(Buffer.concat(chunks));
      if (parsed) {
        clearTimeout(timer);
        socket.destroy();
        resolve(parsed);
      } else if (error) {
        clearTimeout(timer);
        reject(error);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      finish();
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error(`connection closed without a complete response: ${Buffer.concat(chunks).toString('latin1').slice(0, 200)}`)));
    socket.write(request, (err) => {
      if (options.writeAllFirst !== true) return;
      if (err) return finish(err);
      written = true;
      finish();
    });
  });
}

/** The response once its headers and Content-Length bytes of body have arrived. */
function parseResponse(data: Buffer): RawResponse | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  if (data.length < end + 4 + length) return undefined;
  const body = data.subarray(end + 4, end + 4 + length).toString('utf8');
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: Number(statusLine?.split(' ')[1]), headers, body, json };
}
