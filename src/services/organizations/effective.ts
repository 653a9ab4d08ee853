// The effective management policy of an account: the policies attached to the root, then to each
// OU down to the account, then to the account, merged by their inheritance operators. Within one
// level, policies apply in the order they were attached (the first to @@assign a setting keeps
// it) and their child control operators intersect. Each setting remembers the policy that set it.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html
import type { PolicyNode, ValueOperator } from './management-policy.js';
import { VALUE_OPERATORS } from './management-policy.js';

export interface PolicyRef {
  policyId: string;
  policyName: string;
}

export interface AttachedPolicy {
  ref: PolicyRef;
  content: PolicyNode;
}

export interface Effective {
  /** The policy as DescribeEffectivePolicy shows it: settings as plain values, no operators. */
  content: Record<string, unknown>;
  /** The policy that last set each setting, by path (keys joined by '/'). */
  sources: Record<string, PolicyRef>;
}

interface Node {
  value?: string | string[];
  source?: PolicyRef;
  /** Operators child policies may use here (set by a parent level); undefined: all. */
  allowed?: Set<ValueOperator>;
  children: Map<string, Node>;
}

/** The operators a child control list allows. */
function allowedBy(list: string[]): Set<ValueOperator> {
  if (list.includes('@@all')) return new Set(VALUE_OPERATORS);
  return new Set(VALUE_OPERATORS.filter((op) => list.includes(op)));
}

const intersect = (a: Set<ValueOperator> | undefined, b: Set<ValueOperator>) => (a ? new Set([...a].filter((x) => b.has(x))) : b);

interface Level {
  /** Child control operators of this level, applied once the whole level has merged. */
  pending: Map<Node, Set<ValueOperator>>;
  assigned: Set<Node>;
}

function apply(into: Node, from: PolicyNode, ref: PolicyRef, level: Level): void {
  if (from.allowedForChildren) level.pending.set(into, intersect(level.pending.get(into), allowedBy(from.allowedForChildren)));
  const may = (op: ValueOperator) => !into.allowed || into.allowed.has(op);
  if (from.assign !== undefined && may('@@assign') && !level.assigned.has(into)) {
    into.value = Array.isArray(from.assign) ? [...from.assign] : from.assign;
    into.source = ref;
    level.assigned.add(into);
  }
  if (from.append && may('@@append')) {
    const cur = Array.isArray(into.value) ? into.value : [];
    into.value = [...cur, ...from.append.filter((v) => !cur.includes(v))];
    into.source = ref;
  }
  if (from.remove && may('@@remove') && Array.isArray(into.value)) {
    const gone = from.remove;
    into.value = into.value.filter((v) => !gone.includes(v));
    into.source = ref;
  }
  for (const [key, child] of Object.entries(from.children)) {
    let target = into.children.get(key);
    if (!target) {
      // A parent's ["@@none"] locks the block: a child policy cannot add settings to it either.
      if (into.allowed && into.allowed.size === 0) continue;
      target = { children: new Map() };
      into.children.set(key, target);
    }
    apply(target, child, ref, level);
  }
}

function render(node: Node, path: string[], sources: Record<string, PolicyRef>): unknown {
  if (node.value !== undefined) {
    if (node.source) sources[path.join('/')] = node.source;
    return node.value;
  }
  const out: Record<string, unknown> = {};
  for (const [k, child] of node.children) {
    const v = render(child, [...path, k], sources);
    if (v !== undefined) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Merges the policies of each level, root first; each level's policies in attachment order. */
export function effectivePolicy(levels: AttachedPolicy[][]): Effective {
  const root: Node = { children: new Map() };
  for (const policies of levels) {
    const level: Level = { pending: new Map(), assigned: new Set() };
    for (const p of policies) apply(root, p.content, p.ref, level);
    for (const [node, ops] of level.pending) node.allowed = intersect(node.allowed, ops);
  }
  const sources: Record<string, PolicyRef> = {};
  const content = (render(root, [], sources) ?? {}) as Record<string, unknown>;
  return { content, sources };
}
