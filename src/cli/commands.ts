import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { ClientOptions, ClientResponse, callNode as CallNode } from './client.js';

/** The HTTP client is loaded only by commands that talk to a node, so `--help` and `start` stay quick. */
async function callNode(...args: Parameters<typeof CallNode>): Promise<ClientResponse> {
  return (await import('./client.js')).callNode(...args);
}

async function render(response: ClientResponse): Promise<string> {
  return (await import('./client.js')).render(response);
}

function cdmContentType(text: string): string {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  // `[`: Space-Track CDM JSON (an array of records); the node recognises it by its shape.
  if (start.startsWith('{') || start.startsWith('[')) return 'application/json';
  if (start.startsWith('<')) return 'application/xml';
  return 'text/plain';
}

function withClientOptions(command: Command): Command {
  return command
    .addOption(new Option('--node <url>', 'URL of the node').default('http://localhost:8080'))
    .addOption(new Option('--token <secret>', 'API token (default: $SPACECOMMS_TOKEN)'));
}

function clientOptions(command: Command): ClientOptions {
  const opts = command.opts<{ node: string; token?: string }>();
  const token = opts.token ?? process.env.SPACECOMMS_TOKEN;
  return { node: opts.node, ...(token ? { token } : {}) };
}

async function print(promise: Promise<ClientResponse>): Promise<void> {
  console.log(await render(await promise));
}

const json = (value: unknown) => ({ text: JSON.stringify(value), contentType: 'application/json' });

function queryString(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function cdmCommand(): Command {
  const cdm = new Command('cdm').description('CDMs of a running node');
  withClientOptions(cdm.command('inject <file>').description('send a CDM file (JSON, Space-Track CDM JSON, CCSDS KVN, several KVN CDMs, CCSDS XML or an XML NDM; detected from its content)')).action(
    async (file: string, _opts, command: Command) => {
      const text = readFileSync(file, 'utf8');
      await print(callNode(clientOptions(command), 'POST', 'cdm', { text, contentType: cdmContentType(text) }));
    },
  );
  withClientOptions(
    cdm
      .command('list')
      .description('list CDMs')
      .option('--status <status>', 'active, withdrawn or all')
      .option('--object-id <id>', 'CDMs involving this object')
      .option('--owner <operator>', 'CDMs involving an object of this operator')
      .option('--min-probability <p>', 'collision probability at least p')
      .option('--tca-from <time>', 'TCA at or after this time')
      .option('--tca-to <time>', 'TCA at or before this time')
      .option('--sort <field>', 'created_at, tca, collision_probability or miss_distance_m; prefix - for descending')
      .option('--limit <n>', 'at most n (1-1000)')
      .option('--offset <n>', 'skip n'),
  ).action(async (opts: Record<string, string | undefined>, command: Command) => {
    const query = queryString({
      status: opts.status,
      object_id: opts.objectId,
      owner: opts.owner,
      min_probability: opts.minProbability,
      tca_from: opts.tcaFrom,
      tca_to: opts.tcaTo,
      sort: opts.sort,
      limit: opts.limit,
      offset: opts.offset,
    });
    await print(callNode(clientOptions(command), 'GET', `cdms${query}`));
  });
  withClientOptions(
    cdm.command('get <id>').description('show one CDM').addOption(new Option('--format <format>', 'output format').choices(['json', 'kvn', 'xml']).default('json')),
  ).action(async (id: string, opts: { format: string }, command: Command) => {
    await print(callNode(clientOptions(command), 'GET', `cdms/${encodeURIComponent(id)}${queryString({ format: opts.format === 'json' ? undefined : opts.format })}`));
  });
  withClientOptions(
    cdm
      .command('withdraw <id>')
      .description('withdraw a CDM')
      .requiredOption('--reason <reason>', 'SUPERSEDED, TCA_PASSED, FALSE_POSITIVE or ERROR')
      .option('--superseded-by <id>', 'the CDM that replaces it'),
  ).action(async (id: string, opts: { reason: string; supersededBy?: string }, command: Command) => {
    const body = { reason: opts.reason, ...(opts.supersededBy ? { superseded_by: opts.supersededBy } : {}) };
    await print(callNode(clientOptions(command), 'DELETE', `cdms/${encodeURIComponent(id)}`, json(body)));
  });
  return cdm;
}

export function peerCommand(): Command {
  const peer = new Command('peer').description('peers of a running node (admin token needed for changes)');
  withClientOptions(
    peer
      .command('add <id> <address>')
      .description('add a peer (kept across restarts with file storage)')
      .option('--auth-token <secret>', 'the secret of this peering')
      .option('--auth-token-file <file>', 'read the secret of this peering from a file')
      .option('--policies <json>', 'policies as JSON, e.g. \'{"forward_cdm":false}\''),
  ).action(async (id: string, address: string, opts: { authToken?: string; authTokenFile?: string; policies?: string }, command: Command) => {
    const authToken = opts.authToken ?? (opts.authTokenFile ? readFileSync(opts.authTokenFile, 'utf8').trim() : undefined);
    const body = {
      peer_id: id,
      address,
      ...(authToken ? { auth_token: authToken } : {}),
      ...(opts.policies ? { policies: JSON.parse(opts.policies) as unknown } : {}),
    };
    await print(callNode(clientOptions(command), 'POST', 'peers', json(body)));
  });
  withClientOptions(peer.command('list').description('list peers and their sessions')).action(async (_opts, command: Command) => {
    await print(callNode(clientOptions(command), 'GET', 'peers'));
  });
  withClientOptions(peer.command('sync <id>').description('ask a peer for its full table (route refresh: SYNC_REQUEST, or a new HELLO with a 1.0 peer)')).action(
    async (id: string, _opts, command: Command) => {
      await print(callNode(clientOptions(command), 'POST', `peers/${encodeURIComponent(id)}/sync-request`));
    },
  );
  withClientOptions(peer.command('remove <id>').description('remove a peer')).action(async (id: string, _opts, command: Command) => {
    await print(callNode(clientOptions(command), 'DELETE', `peers/${encodeURIComponent(id)}`));
  });
  return peer;
}

export function healthCommand(): Command {
  return withClientOptions(new Command('health').description('health of a running node')).action(async (_opts, command: Command) => {
    const response = await callNode(clientOptions(command), 'GET', 'health');
    console.log(await render(response));
    const status = (JSON.parse(response.text) as { status?: string }).status;
    if (status !== 'healthy') process.exitCode = 1;
  });
}

export function eventsCommand(): Command {
  return withClientOptions(
    new Command('events')
      .description('list conjunction events of a running node')
      .option('--status <status>', 'active, closed or all')
      .option('--object-id <id>', 'events involving this object')
      .option('--owner <operator>', 'events involving an object of this operator')
      .option('--min-pc <p>', 'event Pc at least p')
      .option('--level <name>', 'events at this risk level (alerts.levels names, green, unknown)')
      .option('--tca-from <time>', 'TCA at or after this time')
      .option('--tca-to <time>', 'TCA at or before this time')
      .option('--sort <field>', 'tca, pc or updated_at; prefix - for descending')
      .option('--limit <n>', 'at most n (1-1000)')
      .option('--offset <n>', 'skip n'),
  ).action(async (opts: Record<string, string | undefined>, command: Command) => {
    const query = queryString({
      status: opts.status,
      object_id: opts.objectId,
      owner: opts.owner,
      min_pc: opts.minPc,
      level: opts.level,
      tca_from: opts.tcaFrom,
      tca_to: opts.tcaTo,
      sort: opts.sort,
      limit: opts.limit,
      offset: opts.offset,
    });
    await print(callNode(clientOptions(command), 'GET', `events${query}`));
  });
}
