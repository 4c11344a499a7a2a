/**
 * Conjunction events: CDMs of one object pair grouped by the 20-minute TCA rule or a shared
 * CCSDS CONJUNCTION_ID; risk levels; the listing's filters. Pure rules, no I/O, no clock
 * (the time that decides `closed` is a parameter).
 */
export { EVENT_TCA_WINDOW_MS, EVENT_TCA_WINDOW_NS, clusterPair, withinWindow } from './cluster.js';
export { EventIndex, type EventIndexWork, type EventSource } from './event-index.js';
export { eventIdOf, memberOf, pairKey, type EventMember } from './member.js';
export { EVENT_SORT_FIELDS, eventMatches, queryEvents, type EventQuery, type EventSortField } from './query.js';
export { BELOW_LEVELS, NO_PC_LEVEL, isClosed, latestMember, memberPc, riskLevel, summarizeEvent, type AlertLevel, type ConjunctionEvent, type EventSummary } from './summary.js';
