/**
 * Being told: the change log's readers. The live stream (`GET /events/stream`), webhook
 * delivery with retries, and the wrapper that records every table change in the log.
 */
export { cdmChange, crossedUpward, eventChange, levelRank, maneuverChange, peerChange, type PeerStatusChange } from './changes.js';
export { changeBody, changeMatches } from './filter.js';
export { ChangeHub } from './hub.js';
export { Notifier, type NotifierDeps } from './notifier.js';
export { recordPeerChange, recordingChanges, type RecorderOptions } from './recorder.js';
export { ChangeStream, CLIENT_RETRY_MS, type StreamOptions } from './stream.js';
export { hostAllowed, subscriptionView, Subscriptions, webhookUrlProblem } from './subscriptions.js';
export { retryAfterMs, signature, SubscriptionWorker } from './webhook.js';
