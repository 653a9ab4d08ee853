// Finding trails the way CloudTrail does: by name in the caller's region (the trail itself, or the
// shadow of a multi-region trail homed elsewhere), by ARN from anywhere, and organization trails
// from member accounts (read-only). Writes are allowed only in the trail's home region.
import { AwsError } from '../../protocol/errors.js';
import type { DocumentStore } from '../../storage/documents.js';
import type { CallContext } from '../../core/service.js';
import type { OrgLookup } from './delivery/deliver.js';
import { TRAIL_KIND, isArn, parseTrailArn, trailArn, trailKey, validateTrailName, type TrailDoc } from './trails-model.js';

export type Access = 'read' | 'write';

/**
 * A trail seen where it was not created: a multi-region trail outside its home region, or an
 * organization trail in a member account. DescribeTrails leaves these out when asked to.
 */
export function isShadow(t: TrailDoc, ctx: Pick<CallContext, 'accountId' | 'region'>): boolean {
  return t.accountId !== ctx.accountId || (t.isMultiRegionTrail && t.homeRegion !== ctx.region);
}

export class TrailStore {
  constructor(readonly documents: DocumentStore, readonly orgs: OrgLookup) {}

  async ownTrails(accountId: string): Promise<TrailDoc[]> {
    return (await this.documents.list<TrailDoc>(TRAIL_KIND, accountId, 'global')).map((d) => d.doc);
  }

  get(accountId: string, homeRegion: string, name: string): Promise<TrailDoc | undefined> {
    return this.documents.get<TrailDoc>(trailKey(accountId, homeRegion, name));
  }

  /** Organization trails of the caller's organization, when the caller is a member (not the owner). */
  async organizationTrails(accountId: string): Promise<TrailDoc[]> {
    const org = await this.orgs(accountId);
    if (!org || org.managementAccountId === accountId) return [];
    return (await this.ownTrails(org.managementAccountId)).filter((t) => t.isOrganizationTrail);
  }

  /** Trails as DescribeTrails sees them from a region: its own, shadows of multi-region trails, organization trails. */
  async visibleFrom(ctx: CallContext, shadows: boolean): Promise<TrailDoc[]> {
    const all = [...await this.ownTrails(ctx.accountId), ...await this.organizationTrails(ctx.accountId)];
    return all.filter((t) => (shadows || !isShadow(t, ctx)) && (t.homeRegion === ctx.region || t.isMultiRegionTrail));
  }

  /**
   * The trail a `Name`/`TrailName` parameter (name or ARN) names as the caller sees it, if any;
   * throws only for a missing or malformed name or ARN.
   */
  async find(ctx: Pick<CallContext, 'accountId' | 'region'>, nameOrArn: string): Promise<TrailDoc | undefined> {
    if (!nameOrArn) throw new AwsError('TrailNotProvidedException', 'Trail name or ARN not provided.');
    return isArn(nameOrArn) ? this.byArn(ctx, nameOrArn) : this.byName(ctx, nameOrArn);
  }

  /** Resolves a `Name`/`TrailName` parameter (name or ARN) as the caller sees it. */
  async resolve(ctx: CallContext, nameOrArn: string, access: Access): Promise<TrailDoc> {
    const found = await this.find(ctx, nameOrArn);
    if (!found) {
      const arn = isArn(nameOrArn) ? nameOrArn : trailArn({ accountId: ctx.accountId, homeRegion: ctx.region, name: nameOrArn });
      throw new AwsError('TrailNotFoundException', `Unknown trail: ${arn} for the user: ${ctx.accountId}`);
    }
    if (access === 'write') {
      if (found.accountId !== ctx.accountId) {
        throw new AwsError('NotOrganizationMasterAccountException', `The request was not made by the management account of the organization that owns ${trailArn(found)}.`);
      }
      if (found.homeRegion !== ctx.region) {
        throw new AwsError('InvalidHomeRegionException', `This operation must be called from the trail's home region, ${found.homeRegion}.`);
      }
    }
    return found;
  }

  private async byArn(ctx: Pick<CallContext, 'accountId' | 'region'>, arn: string): Promise<TrailDoc | undefined> {
    const p = parseTrailArn(arn);
    const t = await this.get(p.accountId, p.region, p.name);
    if (!t) return undefined;
    if (t.accountId === ctx.accountId) return t;
    // Another account's trail is visible only as an organization trail of the caller's organization.
    return t.isOrganizationTrail && (await this.organizationTrails(ctx.accountId)).some((o) => o.trailId === t.trailId) ? t : undefined;
  }

  private async byName(ctx: Pick<CallContext, 'accountId' | 'region'>, name: string): Promise<TrailDoc | undefined> {
    validateTrailName(name);
    const home = await this.get(ctx.accountId, ctx.region, name);
    if (home) return home;
    const visible = [...await this.ownTrails(ctx.accountId), ...await this.organizationTrails(ctx.accountId)];
    return visible.find((t) => t.name === name && (t.isMultiRegionTrail || t.homeRegion === ctx.region));
  }

  /** A name is taken in a region by a trail there or by any multi-region trail's shadow. */
  async nameTaken(accountId: string, region: string, name: string, multiRegion: boolean, except?: string): Promise<TrailDoc | undefined> {
    return (await this.ownTrails(accountId)).find((t) => t.trailId !== except && t.name === name &&
      (t.homeRegion === region || t.isMultiRegionTrail || multiRegion));
  }

  async put(t: TrailDoc): Promise<void> {
    await this.documents.put(trailKey(t.accountId, t.homeRegion, t.name), t);
  }

  async create(t: TrailDoc): Promise<boolean> {
    return this.documents.create(trailKey(t.accountId, t.homeRegion, t.name), t);
  }

  async update(t: TrailDoc, fn: (cur: TrailDoc) => TrailDoc): Promise<TrailDoc> {
    const next = await this.documents.update<TrailDoc>(trailKey(t.accountId, t.homeRegion, t.name), (cur) => (cur && cur.trailId === t.trailId ? fn(cur) : cur));
    if (!next || next.trailId !== t.trailId) throw new AwsError('TrailNotFoundException', `Unknown trail: ${trailArn(t)} for the user: ${t.accountId}`);
    return next;
  }

  async delete(t: TrailDoc): Promise<void> {
    await this.documents.delete(trailKey(t.accountId, t.homeRegion, t.name));
  }
}
