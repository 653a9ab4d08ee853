// EC2's record style: operations of its 2015 API (models/ec2/classic-operations.json) log WSDL names
// (`instancesSet: {items: [{instanceId}]}`) and a requestId; later ones echo the request and answer as
// on the wire (`{DeleteFlowLogsRequest: {FlowLogId: {content, tag: 1}}}`). Tables: what real records show.
import fs from 'node:fs';
import path from 'node:path';
import { modelsDir } from '../common/paths.js';
import type { MemberRef, ServiceModel, Shape } from '../protocol/model.js';
import type { RecordingRules, RecordStyle } from './rules.js';

type Json = Record<string, unknown>;

/** What EC2 logs in place of sensitive values (ModifyInstanceAttribute userData, RunInstances userData). */
export const SENSITIVE_DATA_REMOVED = '<sensitiveDataRemoved>';

/** WSDL names of lists that are not `<locationName>Set`; `Op.Member` (or `Shape.Member`) first, then `Member`. */
export const LIST_NAMES: Readonly<Record<string, string>> = {
  InstanceIds: 'instancesSet', VolumeIds: 'volumeSet', RegionNames: 'regionSet', ImageIds: 'imagesSet',
  Owners: 'ownersSet', OwnerIds: 'ownersSet', SnapshotIds: 'snapshotSet', KeyNames: 'keySet', SubnetIds: 'subnetSet',
  VpcIds: 'vpcSet', BundleIds: 'bundlesSet', PublicIps: 'publicIpsSet', AllocationIds: 'allocationIdsSet',
  DhcpOptionsIds: 'dhcpOptionsSet', AttributeNames: 'accountAttributeNameSet', ZoneNames: 'availabilityZoneSet',
  ZoneIds: 'availabilityZoneIdSet', RestorableByUserIds: 'sharedUsersSet', BlockDeviceMappings: 'blockDeviceMapping',
  InternetGatewayIds: 'internetGatewayIdSet', Resources: 'resourcesSet', Filters: 'filterSet', 'RunInstances.SecurityGroupIds': 'groupSet',
  'DescribeSecurityGroups.GroupNames': 'securityGroupSet', 'DescribeSecurityGroups.GroupIds': 'securityGroupIdSet',
  'DescribePlacementGroups.GroupNames': 'placementGroupSet', 'DescribePlacementGroups.GroupIds': 'placementGroupIdSet',
};

/** Lists whose items EC2 logs under `item` rather than `items` (a real DescribeClassicLinkInstances record). */
const ITEM_LISTS: ReadonlySet<string> = new Set(['DescribeClassicLinkInstances.InstanceIds']);

/** Item names of scalar lists that are not the list's locationName. */
export const ITEM_NAMES: Readonly<Record<string, string>> = { RestorableByUserIds: 'user', 'RunInstances.SecurityGroupIds': 'groupId' };

/** Other members logged under another name than their locationName. */
export const MEMBER_NAMES: Readonly<Record<string, string>> = {
  'ModifyImageAttribute.Attribute': 'attributeType', 'ModifySnapshotAttribute.Attribute': 'attributeType',
  'CreateVolume.AvailabilityZone': 'zone', 'CreateNetworkAclEntry.Protocol': 'aclProtocol',
  'CreateNetworkAclEntry.IcmpTypeCode': 'icmpTypeCode', 'ReplaceNetworkAclEntry.Protocol': 'aclProtocol',
  'ReplaceNetworkAclEntry.IcmpTypeCode': 'icmpTypeCode',
};

/** Lists logged as plain arrays of their items (the tags of a tag specification). */
export const PLAIN_LISTS: ReadonlySet<string> = new Set(['TagSpecification.Tags']);

/** Values EC2 logs in its own form: the WSDL's enum spelling, a size typed as a string there. */
const VALUE_FORMS: Readonly<Record<string, (v: unknown) => unknown>> = {
  'ModifySnapshotAttribute.Attribute': (v) => String(v).replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase(),
  'CreateVolume.Size': (v) => String(v),
};

/** Members logged as removed whatever they hold (a blob wrapped in a structure). */
const HIDDEN_MEMBERS: ReadonlySet<string> = new Set(['ModifyInstanceAttribute.UserData']);

/** What EC2 logs for members a request left out: its defaults. */
export const CLASSIC_DEFAULTS: Readonly<Record<string, Json>> = {
  AttachVolume: { deleteOnTermination: false }, DeleteSnapshot: { force: false }, DeleteVolume: { reportVolumeFailure: false },
  StopInstances: { force: false }, CreateNetworkAclEntry: { icmpTypeCode: {} }, DescribeInstanceStatus: { includeAllInstances: false },
  DescribeKeyPairs: { includePublicKey: false }, DescribeAccountAttributes: { filterSet: {} },
  RunInstances: { blockDeviceMapping: {}, monitoring: { enabled: false }, disableApiTermination: false, disableApiStop: false },
};

/** Lists logged as `{}` when absent, besides every list of a classic Describe* call. */
const EMPTY_LISTS: Readonly<Record<string, readonly string[]>> = {
  AuthorizeSecurityGroupIngress: ['IpPermissions'], AuthorizeSecurityGroupEgress: ['IpPermissions'],
  RevokeSecurityGroupIngress: ['IpPermissions'], RevokeSecurityGroupEgress: ['IpPermissions'],
};

/** Lists of classic Describe* calls that are left out when absent (their filters came later). */
const ABSENT_LISTS: ReadonlySet<string> = new Set([
  'DescribeRegions.Filters', 'DescribeAvailabilityZones.Filters', 'DescribeBundleTasks.Filters',
]);

/** Structures whose absent lists are logged as `{}` (an IP permission's groups, ipv6Ranges, ...). */
const EMPTY_LISTS_IN: ReadonlySet<string> = new Set(['IpPermission']);

/** RunInstances logs these inside `instancesSet.items[0]`, where the 2015 API had them. */
const RUN_INSTANCES_SET = ['imageId', 'minCount', 'maxCount', 'keyName'];

const lowerFirst = (s: string): string => s[0].toLowerCase() + s.slice(1);
const upperFirst = (s: string): string => s[0].toUpperCase() + s.slice(1);
const marker = (rules: RecordingRules): string => rules.hiddenValue ?? SENSITIVE_DATA_REMOVED;

/**
 * A classic member's key in the record; for lists the key holding the items (`items`), the key of
 * each scalar item, and whether the list is a plain array instead.
 */
export interface ClassicName { key: string; items: string; item: string; plain: boolean }

/** `scope` is the operation (top level) or the shape name of the structure holding the member. */
export function classicName(model: ServiceModel, scope: string, name: string, ref: MemberRef): ClassicName {
  const scoped = `${scope}.${name}`;
  const wire = ref.locationName ?? name;
  const shape = model.shape(ref.shape);
  if (shape.type !== 'list') return { key: MEMBER_NAMES[scoped] ?? lowerFirst(wire), items: '', item: '', plain: false };
  if (PLAIN_LISTS.has(scoped)) return { key: lowerFirst(name), items: '', item: '', plain: true };
  const query = ref.locationName && /^[A-Z]/.test(ref.locationName);
  const key = LIST_NAMES[scoped] ?? LIST_NAMES[name] ?? (query ? `${lowerFirst(wire)}Set` : lowerFirst(wire));
  const item = ITEM_NAMES[scoped] ?? ITEM_NAMES[name] ?? lowerFirst(ref.locationName ?? shape.member?.locationName ?? name);
  return { key, items: ITEM_LISTS.has(scoped) ? 'item' : 'items', item, plain: false };
}

function classicScalar(shape: Shape, v: unknown, rules: RecordingRules): unknown {
  if (shape.sensitive) return marker(rules);
  if (shape.type === 'timestamp') return (v as Date).getTime();
  if (shape.type === 'blob') return undefined;
  return v;
}

/** A request structure under WSDL names; `emptyList(member)` says which absent lists show as `{}`. */
function classicStructure(model: ServiceModel, shapeName: string, v: Json, scope: string, rules: RecordingRules, emptyList: (name: string) => boolean): Json {
  const out: Json = {};
  for (const [name, ref] of Object.entries(model.shape(shapeName).members ?? {})) {
    if (rules.redact?.includes(name)) continue;
    const n = classicName(model, scope, name, ref);
    const raw = v[name];
    if (raw === undefined || raw === null) {
      if (model.shape(ref.shape).type === 'list' && !n.plain && emptyList(name) && !(n.key in out)) out[n.key] = {};
      continue;
    }
    const scoped = `${scope}.${name}`;
    const x = HIDDEN_MEMBERS.has(scoped) || rules.hidden?.includes(name) ? marker(rules) : classicMember(model, ref, raw, n, rules);
    if (x !== undefined) out[n.key] = VALUE_FORMS[scoped] ? VALUE_FORMS[scoped](x) : x;
  }
  return out;
}

function classicMember(model: ServiceModel, ref: MemberRef, raw: unknown, n: ClassicName, rules: RecordingRules): unknown {
  const shape = model.shape(ref.shape);
  if (shape.sensitive) return marker(rules);
  if (shape.type === 'structure') {
    return classicStructure(model, ref.shape, raw as Json, ref.shape, rules, () => EMPTY_LISTS_IN.has(ref.shape));
  }
  if (shape.type === 'map') {
    const out: Json = {};
    for (const [k, x] of Object.entries(raw as Json)) out[k] = classicScalar(model.shape(shape.value!.shape), x, rules);
    return out;
  }
  if (shape.type !== 'list') return classicScalar(shape, raw, rules);
  const member = shape.member!;
  const itemShape = model.shape(member.shape);
  const items = (raw as unknown[]).map((x) => itemShape.type === 'structure'
    ? classicStructure(model, member.shape, x as Json, member.shape, rules, () => EMPTY_LISTS_IN.has(member.shape))
    : { [n.item]: classicScalar(itemShape, x, rules) });
  if (n.plain) return items;
  return items.length ? { [n.items]: items } : {};
}

function classicRequest(model: ServiceModel, opName: string, input: Json, rules: RecordingRules): Json | null {
  const op = model.operation(opName);
  const describe = opName.startsWith('Describe');
  const out = op?.input
    ? classicStructure(model, op.input.shape, input, opName, rules,
      (name) => (describe && !ABSENT_LISTS.has(`${opName}.${name}`)) || (EMPTY_LISTS[opName]?.includes(name) ?? false))
    : {};
  if (opName === 'RunInstances') {
    const item: Json = {};
    for (const k of RUN_INSTANCES_SET) if (k in out) { item[k] = out[k]; delete out[k]; }
    if (Object.keys(item).length) out.instancesSet = { items: [item] };
  }
  for (const [k, v] of Object.entries(CLASSIC_DEFAULTS[opName] ?? {})) if (!(k in out)) out[k] = structuredClone(v);
  return Object.keys(out).length ? out : null;
}

/** An answer under its XML names, lists as `{items}`, `return` as `_return`. */
function classicOutput(model: ServiceModel, shapeName: string, v: Json, rules: RecordingRules): Json {
  const out: Json = {};
  for (const [name, ref] of Object.entries(model.shape(shapeName).members ?? {})) {
    const raw = v[name];
    if (raw === undefined || raw === null || rules.redact?.includes(name)) continue;
    const key = lowerFirst(ref.locationName ?? name);
    out[key === 'return' ? '_return' : key] = classicOutputValue(model, ref.shape, raw, rules);
  }
  return out;
}

function classicOutputValue(model: ServiceModel, shapeName: string, raw: unknown, rules: RecordingRules): unknown {
  const shape = model.shape(shapeName);
  if (shape.sensitive) return marker(rules);
  if (shape.type === 'structure') return classicOutput(model, shapeName, raw as Json, rules);
  if (shape.type !== 'list') return classicScalar(shape, raw, rules);
  const member = shape.member!;
  const scalar = model.shape(member.shape).type !== 'structure';
  const items = (raw as unknown[]).map((x) => scalar
    ? { [lowerFirst(member.locationName ?? 'item')]: classicOutputValue(model, member.shape, x, rules) }
    : classicOutputValue(model, member.shape, x, rules));
  return items.length ? { items } : {};
}


/** A structure's members, each converted by `value` and named by `nameOf`; absent and redacted ones left out. */
function membersOf(shape: Shape, v: Json, rules: RecordingRules,
  value: (ref: MemberRef, raw: unknown) => unknown, nameOf: (name: string, ref: MemberRef) => string): Json {
  const out: Json = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const raw = v[name];
    if (raw === undefined || raw === null || rules.redact?.includes(name)) continue;
    const x = value(ref, raw);
    if (x !== undefined) out[nameOf(name, ref)] = x;
  }
  return out;
}

/** The request as it went on the wire: capitalized names, list items as `{content, tag}` (several: an array). */
function wireValue(model: ServiceModel, shapeName: string, v: unknown, rules: RecordingRules): unknown {
  const shape = model.shape(shapeName);
  if (shape.sensitive) return marker(rules);
  switch (shape.type) {
    case 'structure':
      return membersOf(shape, v as Json, rules, (ref, raw) => wireValue(model, ref.shape, raw, rules), (name, ref) => ref.queryName ?? upperFirst(ref.locationName ?? name));
    case 'list': {
      const member = shape.member!;
      const items = (v as unknown[]).map((x, i) => {
        const w = wireValue(model, member.shape, x, rules);
        return model.shape(member.shape).type === 'structure' ? { ...(w as Json), tag: i + 1 } : { content: w, tag: i + 1 };
      });
      return items.length === 0 ? undefined : items.length === 1 ? items[0] : items;
    }
    case 'timestamp': return (v as Date).toISOString();
    case 'blob': return undefined;
    default: return v;
  }
}

/** The answer as written: XML names, lists as `{item}` (empty: ""), timestamps in ISO form. */
function xmlValue(model: ServiceModel, shapeName: string, v: unknown, rules: RecordingRules): unknown {
  const shape = model.shape(shapeName);
  if (shape.sensitive) return marker(rules);
  switch (shape.type) {
    case 'structure':
      return membersOf(shape, v as Json, rules, (ref, raw) => xmlValue(model, ref.shape, raw, rules), (name, ref) => ref.locationName ?? name);
    case 'list': {
      const items = (v as unknown[]).map((x) => xmlValue(model, shape.member!.shape, x, rules));
      return items.length === 0 ? '' : { [shape.member!.locationName ?? 'member']: items.length === 1 ? items[0] : items };
    }
    case 'timestamp': return (v as Date).toISOString();
    case 'blob': return undefined;
    default: return v;
  }
}

/** The operations of EC2's 2015 API, which log in the classic style. */
export function loadClassicOperations(): ReadonlySet<string> {
  return new Set(JSON.parse(fs.readFileSync(path.join(modelsDir, 'ec2', 'classic-operations.json'), 'utf8')) as string[]);
}

export function ec2RecordStyle(classic: ReadonlySet<string>): RecordStyle {
  return {
    requestParameters(model, opName, input, rules) {
      if (classic.has(opName)) return classicRequest(model, opName, input, rules);
      const op = model.operation(opName);
      const body = op?.input ? wireValue(model, op.input.shape, input, rules) as Json : {};
      return { [`${opName}Request`]: Object.keys(body).length ? body : '' };
    },
    responseElements(model, opName, output, requestId, rules) {
      const op = model.operation(opName);
      if (classic.has(opName)) {
        // Calls without an answer of their own log what the 2015 API answered: `<return>true</return>`.
        return op?.output ? { requestId, ...classicOutput(model, op.output.shape, output, rules) } : { requestId, _return: true };
      }
      const body = op?.output ? xmlValue(model, op.output.shape, output, rules) as Json : {};
      // EC2 answers with a trailing slash on its namespace, which the model's xmlNamespace lacks.
      return { [`${opName}Response`]: { xmlns: `http://ec2.amazonaws.com/doc/${model.metadata.apiVersion}/`, requestId, ...body } };
    },
  };
}

/**
 * EC2's recording rules: its two styles, refusals that keep their parameters, errors named
 * `Client.<code>` (the caller's fault) or `Server.<code>`, and removed values marked as EC2 marks them.
 */
export function ec2Rules(classic: ReadonlySet<string> = loadClassicOperations()): Omit<RecordingRules, 'eventSource'> {
  return {
    style: ec2RecordStyle(classic),
    keepParamsOnRefusal: true,
    errorCode: (code, status) => `${status < 500 ? 'Client' : 'Server'}.${code}`,
    hiddenValue: SENSITIVE_DATA_REMOVED,
  };
}
