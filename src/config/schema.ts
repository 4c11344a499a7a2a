import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { PeerPolicies } from '../protocol/policies.js';

const Closed = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Object(properties, { additionalProperties: false, default: {} });

const NodeId = Type.String({
  pattern: '^[A-Za-z0-9._-]{1,128}$',
  'x-message': "must be 1-128 letters, digits, '-', '_' or '.'",
});

const HttpUrl = Type.String({ pattern: '^https?://[^\\s/?#]+(/[^\\s]*)?$', 'x-message': 'must be an http(s) URL' });

const Port = Type.Integer({ minimum: 0, maximum: 65535, 'x-message': 'must be a port number from 0 to 65535 (0: any free port)' });

const Hours = Type.Number({ exclusiveMinimum: 0, 'x-message': 'must be a positive number of hours' });

export const PERMISSIONS = ['read', 'write', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const Cidr = Type.String({
  pattern: '^[0-9A-Fa-f:.]+(/\\d{1,3})?$',
  'x-message': 'must be an IPv4 or IPv6 address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)',
});

const Secret = Type.String({ minLength: 16, 'x-message': 'must be at least 16 characters' });

export const ApiToken = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    /** The secret itself, or `secret_file` naming a file that holds it (Docker and Kubernetes secrets). */
    secret: Type.Optional(Secret),
    secret_file: Type.Optional(Type.String({ minLength: 1 })),
    permissions: Type.Array(Type.Unsafe<Permission>({ type: 'string', enum: [...PERMISSIONS] }), { minItems: 1, default: ['read'] }),
  },
  { additionalProperties: false },
);

export const PeerEntry = Type.Object(
  {
    id: NodeId,
    address: HttpUrl,
    auth_token: Type.Optional(Type.String({ minLength: 1 })),
    auth_token_file: Type.Optional(Type.String({ minLength: 1 })),
    policies: PeerPolicies,
    tls: Type.Optional(
      Type.Object(
        {
          /** CA for this peer's certificate (default: server.tls.ca_path). */
          ca_path: Type.Optional(Type.String({ minLength: 1 })),
          /** Name its certificate must carry (CN or SAN), for its server and, with mTLS, its client certificate. */
          server_name: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Where this peer's messages may come from; empty: anywhere. */
    allowed_networks: Type.Array(Cidr, { default: [] }),
    /** Take the public keys this peer lists in its HELLO, for its own node id only (PROTOCOL.md section 10). */
    accept_hello_keys: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);

const UtcTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$',
  'x-message': 'must be an ISO 8601 UTC timestamp (e.g. 2026-11-27T08:30:00Z)',
});

/** A trusted origin key (`trust.keys`, `trust.keys_file`): base64url of the raw 32-byte Ed25519 public key. */
export const TrustedKeyEntry = Type.Object(
  {
    node_id: NodeId,
    public_key: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', 'x-message': 'must be the base64url (no padding) of a raw 32-byte Ed25519 public key (43 characters)' }),
    not_after: Type.Optional(UtcTime),
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    node: Type.Object(
      {
        id: NodeId,
        name: Type.Optional(Type.String()),
        /** The node's Ed25519 private key (PEM); default `<storage.file_path>/node.key`, created 0600 at first start. */
        signing_key_path: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
    server: Closed({
      host: Type.String({ default: '127.0.0.1', minLength: 1 }),
      port: Type.Integer({ ...Port, default: 8080 }),
      tls: Closed({
        enabled: Type.Boolean({ default: false }),
        cert_path: Type.Optional(Type.String()),
        key_path: Type.Optional(Type.String()),
        ca_path: Type.Optional(Type.String()),
        require_client_cert: Type.Boolean({ default: false }),
      }),
      timeouts: Closed({
        headers_seconds: Type.Number({ exclusiveMinimum: 0, default: 10 }),
        request_seconds: Type.Number({ exclusiveMinimum: 0, default: 30 }),
        keep_alive_seconds: Type.Number({ exclusiveMinimum: 0, default: 65 }),
      }),
    }),
    api: Closed({
      auth: Closed({
        enabled: Type.Boolean({ default: false }),
        tokens: Type.Array(ApiToken, { default: [] }),
      }),
      allowed_networks: Type.Array(Cidr, { default: [] }),
      rate_limit: Closed({
        enabled: Type.Boolean({ default: true }),
        requests_per_second: Type.Number({ exclusiveMinimum: 0, default: 1000 }),
        burst: Type.Integer({ minimum: 1, default: 5000 }),
      }),
      body_limit_bytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 1024 * 1024 }),
      max_json_depth: Type.Integer({ minimum: 4, maximum: 1000, default: 64 }),
    }),
    peers: Type.Array(PeerEntry, { default: [] }),
    storage: Closed({
      type: Type.Unsafe<'memory' | 'file'>({ type: 'string', enum: ['memory', 'file'], default: 'file' }),
      file_path: Type.String({ default: './data' }),
      cleanup: Closed({
        enabled: Type.Boolean({ default: true }),
        cdm_retention_hours: Type.Number({ ...Hours, default: 168 }),
        object_retention_hours: Type.Number({ ...Hours, default: 720 }),
        interval_minutes: Type.Number({ exclusiveMinimum: 0, default: 10 }),
      }),
    }),
    logging: Closed({
      level: Type.Unsafe<LogLevel>({ type: 'string', enum: ['debug', 'info', 'warn', 'error'], default: 'info' }),
      format: Type.Unsafe<'json' | 'pretty'>({ type: 'string', enum: ['json', 'pretty'], default: 'json' }),
      output: Type.String({ default: 'stdout', minLength: 1 }),
    }),
    protocol: Closed({
      heartbeat_interval_seconds: Type.Number({ exclusiveMinimum: 0, default: 30 }),
      session_timeout_seconds: Type.Number({ exclusiveMinimum: 0, default: 120 }),
      max_hop_count: Type.Integer({ minimum: 1, maximum: 255, default: 10 }),
      tca_grace_minutes: Type.Number({ minimum: 0, default: 60 }),
      // Per peer; about what one node ingests through the peer endpoint into a file store (bench peer_ingest: ~2100/s on 2 cores).
      rate_limit: Closed({
        messages_per_second: Type.Number({ exclusiveMinimum: 0, default: 2000 }),
        burst: Type.Integer({ minimum: 1, default: 4000 }),
        /** Table-transfer budget (src/peers/rate-limit.ts): after this node asked for a peer's whole table. */
        sync_messages_per_second: Type.Number({ exclusiveMinimum: 0, default: 20000 }),
        sync_window_seconds: Type.Number({ minimum: 0, default: 300 }),
      }),
      queue_max_messages: Type.Integer({ minimum: 1, default: 10000 }),
      max_in_flight: Type.Integer({ minimum: 1, maximum: 64, default: 4 }),
      sync_in_flight: Type.Integer({ minimum: 1, maximum: 128, default: 16 }),
      /** PROTOCOL.md section 11: most envelopes in one batch POST (peers that both list BATCH). */
      batch_max_messages: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
      /** How long a lone message may wait for others to share its POST; 0: it leaves at once. */
      batch_linger_ms: Type.Number({ minimum: 0, maximum: 1000, default: 0 }),
      request_timeout_seconds: Type.Number({ exclusiveMinimum: 0, default: 10 }),
      shutdown_drain_seconds: Type.Number({ minimum: 0, maximum: 300, default: 5 }),
      reconnect_min_seconds: Type.Number({ exclusiveMinimum: 0, default: 1 }),
      reconnect_max_seconds: Type.Number({ exclusiveMinimum: 0, default: 60 }),
      seen_cache_size: Type.Integer({ minimum: 1000, default: 100000 }),
      seen_cache_ttl_seconds: Type.Number({ minimum: 60, default: 3600 }),
    }),
    metrics: Closed({
      auth: Type.Boolean({ default: false }),
    }),
    audit: Closed({
      enabled: Type.Boolean({ default: true }),
      retention_hours: Type.Number({ ...Hours, default: 720 }),
      /** Also append each entry as a JSON line to this file (for a SIEM). */
      file: Type.Optional(Type.String({ minLength: 1 })),
    }),
    /** Origin signatures (PROTOCOL.md section 10, src/trust). */
    trust: Closed({
      mode: Type.Unsafe<'off' | 'log' | 'enforce'>({ type: 'string', enum: ['off', 'log', 'enforce'], default: 'log' }),
      /** Public keys of origins: node id → keys, like SSH's known_hosts. */
      keys: Type.Array(TrustedKeyEntry, { default: [] }),
      /** A YAML file with the same list as `keys`; read at start and on every reload. */
      keys_file: Type.Optional(Type.String({ minLength: 1 })),
      /** Nodes that may change records of other origins (a regulator, a service provider acting for an operator). */
      delegates: Type.Array(
        Type.Object({ node_id: NodeId, may_act_for: Type.Array(NodeId, { minItems: 1 }) }, { additionalProperties: false }),
        { default: [] },
      ),
    }),
    /** The node's own collision probability of each CDM (src/pc). */
    pc: Closed({
      enabled: Type.Boolean({ default: true }),
      /** Combined hard-body radius when a CDM names none, m. */
      default_hbr_m: Type.Number({ exclusiveMinimum: 0, default: 20, 'x-message': 'must be a positive number of metres' }),
      /** Given and computed Pc disagree when one exceeds the other by more than this factor. */
      disagreement_factor: Type.Number({ exclusiveMinimum: 1, default: 10, 'x-message': 'must be a number greater than 1' }),
    }),
    /** Being told: the change log, the live stream (`GET /events/stream`) and webhooks (`/subscriptions`). */
    subscriptions: Closed({
      max: Type.Integer({ minimum: 0, default: 100, 'x-message': 'must be a whole number, 0 or more' }),
      /** How long a change is retried to a receiver before the subscription is marked failed. */
      retry_max_hours: Type.Number({ ...Hours, default: 24 }),
      /** The first retry delay; it doubles up to `retry_cap_seconds` (a receiver's Retry-After overrides it). */
      retry_min_seconds: Type.Number({ exclusiveMinimum: 0, default: 1 }),
      retry_cap_seconds: Type.Number({ exclusiveMinimum: 0, default: 300 }),
      /** Time a receiver has to answer one delivery. */
      request_timeout_seconds: Type.Number({ exclusiveMinimum: 0, default: 10 }),
      /** Host names webhooks may be sent to (`*.example.com` matches its subdomains); empty: any. */
      allowed_hosts: Type.Array(Type.String({ pattern: '^(\\*\\.)?[A-Za-z0-9.:\\[\\]_-]+$', 'x-message': 'must be a host name, an address, or *.domain' }), { default: [] }),
      /** A comment line is sent on every stream this often, so that proxies keep it open. */
      stream_heartbeat_seconds: Type.Number({ exclusiveMinimum: 0, default: 15 }),
      /** A stream client's unsent bytes beyond which the node stops reading changes for it. */
      stream_buffer_bytes: Type.Integer({ minimum: 4096, default: 1024 * 1024 }),
      /** A stream client whose buffer stays full this long is disconnected. */
      stream_stall_seconds: Type.Number({ exclusiveMinimum: 0, default: 30 }),
      /** How long the change log keeps a change (longer while a webhook still needs it, within `log_max_entries`). */
      log_retention_hours: Type.Number({ ...Hours, default: 168 }),
      log_max_entries: Type.Integer({ minimum: 100, default: 100_000 }),
    }),
    alerts: Closed({
      /** Risk levels of conjunction events, by the event's Pc; the highest level reached applies. */
      levels: Type.Array(
        Type.Object(
          {
            name: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', 'x-message': "must be 1-32 letters, digits, '-' or '_'" }),
            min_pc: Type.Number({ minimum: 0, maximum: 1, 'x-message': 'must be a probability from 0 to 1' }),
          },
          { additionalProperties: false },
        ),
        {
          default: [
            { name: 'red', min_pc: 1e-4 },
            { name: 'yellow', min_pc: 1e-5 },
          ],
        },
      ),
    }),
  },
  { additionalProperties: false },
);

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** The configuration as written, before secret files are read. */
export type RawConfig = Static<typeof ConfigSchema>;
export type PeerEntry = Static<typeof PeerEntry>;
/** A token whose secret is known (given inline or read from its `secret_file`). */
export type ApiToken = Static<typeof ApiToken> & { secret: string };
type RawApi = RawConfig['api'];
/** The configuration the node runs on: every secret resolved. */
export type Config = Omit<RawConfig, 'api'> & { api: Omit<RawApi, 'auth'> & { auth: Omit<RawApi['auth'], 'tokens'> & { tokens: ApiToken[] } } };
