// Which recorded events a trail delivers, and into which region's files: accounts (the owner, or
// every member of an organization), regions (home only, or the whole partition), global services,
// and the trail's basic or advanced event selectors. A filter is a plain snapshot so a delivery
// intent can carry it and a replay selects exactly what the first attempt did.
import type { StoredEvent } from '../../../storage/event-store.js';
import { isGlobalServiceEvent } from '../../../records/regions.js';
import type { AdvancedEventSelector, AdvancedFieldSelector, EventSelector } from '../trails-model.js';

export interface TrailFilter {
  accounts: string[];
  homeRegion: string;
  multiRegion: boolean;
  includeGlobal: boolean;
  eventSelectors?: EventSelector[];
  advancedEventSelectors?: AdvancedEventSelector[];
}

interface ParsedRecord {
  eventType?: string;
  errorCode?: string;
  sessionCredentialFromConsole?: string;
  userIdentity?: { arn?: string };
  /** Listings name a key prefix (`ARNPrefix`) where other calls name an object (`ARN`). */
  resources?: { type?: string; ARN?: string; ARNPrefix?: string }[];
}

/** Reads the record only when a selector needs a field the indexed columns do not carry. */
class Lazy {
  private parsed?: ParsedRecord;
  e!: StoredEvent;
  /** One instance serves a whole batch: matching is synchronous, so it is reset per event. */
  reset(e: StoredEvent): this {
    this.e = e;
    this.parsed = undefined;
    return this;
  }
  get record(): ParsedRecord {
    return (this.parsed ??= JSON.parse(this.e.record) as ParsedRecord);
  }
}

/** Returns, per event, the region of the file it goes in, or undefined when the trail skips it. */
export function compileFilter(f: TrailFilter): (e: StoredEvent) => string | undefined {
  const accounts = new Set(f.accounts);
  const selects = selectorMatcher(f);
  const lazy = new Lazy();
  return (e) => {
    if (!accounts.has(e.accountId)) return undefined;
    let region: string;
    if (isGlobalServiceEvent(e.eventSource)) {
      if (!f.includeGlobal) return undefined;
      region = f.multiRegion ? e.region : f.homeRegion;
    } else {
      if (!f.multiRegion && e.region !== f.homeRegion) return undefined;
      region = e.region;
    }
    return selects(lazy.reset(e)) ? region : undefined;
  };
}

function selectorMatcher(f: TrailFilter): (x: Lazy) => boolean {
  if (f.advancedEventSelectors) {
    const selectors = f.advancedEventSelectors;
    return (x) => selectors.some((s) => s.FieldSelectors.every((fs) => fieldMatches(fs, x)));
  }
  const basic = f.eventSelectors ?? [{ ReadWriteType: 'All', IncludeManagementEvents: true }];
  return (x) => basic.some((s) => basicMatches(s, x));
}

function readWriteMatches(rw: EventSelector['ReadWriteType'], readOnly: boolean): boolean {
  return rw === undefined || rw === 'All' || (rw === 'ReadOnly') === readOnly;
}

function basicMatches(s: EventSelector, x: Lazy): boolean {
  const e = x.e;
  if (!readWriteMatches(s.ReadWriteType, e.readOnly)) return false;
  if (e.management) {
    return (s.IncludeManagementEvents ?? true) && !(s.ExcludeManagementEventSources ?? []).includes(e.eventSource);
  }
  const resources = x.record.resources ?? [];
  return (s.DataResources ?? []).some((dr) => resources.some((r) => r.type === dr.Type && (dr.Values ?? []).some((v) => dataValueMatches(v, r.ARN ?? r.ARNPrefix ?? ''))));
}

/** `arn:aws:s3` or `arn:aws:s3:::` select every object; `arn:aws:s3:::bucket/` one bucket; otherwise a prefix. */
function dataValueMatches(value: string, arn: string): boolean {
  if (/^arn:aws[a-z-]*:[a-z0-9-]+(:::)?$/.test(value)) return arn.startsWith(value.replace(/:::$/, '') + ':');
  return arn.startsWith(value);
}

function fieldValues(field: string, x: Lazy): string[] {
  const e = x.e;
  switch (field) {
    case 'eventCategory': return [e.management ? 'Management' : 'Data'];
    case 'readOnly': return [String(e.readOnly)];
    case 'eventSource': return [e.eventSource];
    case 'eventName': return [e.eventName];
    case 'eventType': return [x.record.eventType ?? 'AwsApiCall'];
    case 'errorCode': return x.record.errorCode ? [x.record.errorCode] : [];
    case 'sessionCredentialFromConsole': return [x.record.sessionCredentialFromConsole ?? 'false'];
    case 'userIdentity.arn': return x.record.userIdentity?.arn ? [x.record.userIdentity.arn] : [];
    case 'resources.type': return (x.record.resources ?? []).map((r) => r.type ?? '');
    case 'resources.ARN': return (x.record.resources ?? []).map((r) => r.ARN ?? r.ARNPrefix ?? '');
    default: return [];
  }
}

/** Every operator present must hold; a multi-valued field (resources) matches when any value does. */
function fieldMatches(fs: AdvancedFieldSelector, x: Lazy): boolean {
  const values = fieldValues(fs.Field, x);
  if (values.length === 0) return !(fs.Equals || fs.StartsWith || fs.EndsWith);
  return values.some((v) =>
    (!fs.Equals || fs.Equals.includes(v)) &&
    (!fs.StartsWith || fs.StartsWith.some((p) => v.startsWith(p))) &&
    (!fs.EndsWith || fs.EndsWith.some((p) => v.endsWith(p))) &&
    (!fs.NotEquals || !fs.NotEquals.includes(v)) &&
    (!fs.NotStartsWith || !fs.NotStartsWith.some((p) => v.startsWith(p))) &&
    (!fs.NotEndsWith || !fs.NotEndsWith.some((p) => v.endsWith(p))));
}
