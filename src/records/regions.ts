// Where a global service's records land, in one table: the recorder asks it for a record's
// awsRegion, trail delivery for which events are global service events, chat for its titles.
// Keyed by eventSource so that a stored record alone (no service definition) can be placed.

/** The region AWS logs IAM and Organizations calls in, whatever region the caller signed for. */
export const GLOBAL_EVENTS_REGION = 'us-east-1';

interface GlobalService {
  /** A region every record lands in; absent: the region the call was made in (signed, or the endpoint's). */
  pinned?: string;
}

/**
 * Services whose calls trails count as global service events (IncludeGlobalServiceEvents).
 * IAM and Organizations answer from one endpoint and log in us-east-1. Chatbot is global but logs
 * where it processed the call. Sign-in logs in the region of the sign-in endpoint, which is this
 * deployment's home region. STS is not here: chattrail cannot tell its global endpoint from the
 * regional one (both are signed for us-east-1, where the global endpoint logs anyway), and current
 * SDKs use the regional one, whose events are regional.
 */
const GLOBAL_SERVICES: ReadonlyMap<string, GlobalService> = new Map([
  ['iam.amazonaws.com', { pinned: GLOBAL_EVENTS_REGION }],
  ['organizations.amazonaws.com', { pinned: GLOBAL_EVENTS_REGION }],
  ['chatbot.amazonaws.com', {}],
  ['signin.amazonaws.com', {}],
]);

/** The region a service's records always land in, or undefined when they land where the call was made. */
export function pinnedRegion(eventSource: string): string | undefined {
  return GLOBAL_SERVICES.get(eventSource)?.pinned;
}

/** A record's awsRegion: the pinned region of a global service, else the region the call was made in. */
export function recordRegion(eventSource: string, calledRegion: string): string {
  return pinnedRegion(eventSource) ?? calledRegion;
}

/** True when trails treat the service's events as global service events. */
export function isGlobalServiceEvent(eventSource: string): boolean {
  return GLOBAL_SERVICES.has(eventSource);
}
