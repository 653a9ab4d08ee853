// Lambda's persistence: one document per function (kind `lambda-function`, per account and
// region, id = function name) holding its configuration, tags and where its code package lives.
// Environment variables are sealed at rest, as Lambda encrypts them with KMS.
import type { DocumentStore } from '../../storage/documents.js';
import type { SecretBox } from '../../storage/secrets.js';

const KIND = 'lambda-function';

/** The FunctionConfiguration members chattrail keeps and returns (model member names). */
export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Runtime?: string;
  Role: string;
  Handler?: string;
  CodeSize: number;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  CodeSha256: string;
  Version: string;
  Environment?: { Variables: Record<string, string> };
  KMSKeyArn?: string;
  TracingConfig: { Mode: string };
  DeadLetterConfig?: { TargetArn?: string };
  RevisionId: string;
  State: string;
  LastUpdateStatus: string;
  PackageType: string;
  Architectures: string[];
  EphemeralStorage: { Size: number };
  SnapStart: { ApplyOn: string; OptimizationStatus: string };
  RuntimeVersionConfig?: { RuntimeVersionArn: string };
  LoggingConfig: { LogFormat: string; LogGroup: string; ApplicationLogLevel?: string; SystemLogLevel?: string };
}

/** A published version: an immutable copy of $LATEST's configuration and code at publish time. */
export interface StoredVersion {
  config: Omit<FunctionConfiguration, 'Environment'>;
  sealedEnvironment?: string;
  codeFileId: string;
  /** $LATEST's RevisionId when published: publishing again unchanged returns this version. */
  publishedFromRevision: string;
}

export interface StoredAlias {
  Name: string;
  FunctionVersion: string;
  Description: string;
  RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
  RevisionId: string;
}

/** One statement of a resource-based policy, as GetPolicy prints it. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: string | Record<string, string>;
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

/** What is stored: the configuration without its environment, which is kept sealed beside it. */
export interface StoredFunction {
  config: Omit<FunctionConfiguration, 'Environment'>;
  sealedEnvironment?: string;
  codeFileId: string;
  tags: Record<string, string>;
  /** Published versions by number; absent on functions stored before versions existed. */
  versions?: Record<string, StoredVersion>;
  /** The number the next PublishVersion takes (numbers are never reused, even after deletes). */
  nextVersion?: number;
  aliases?: Record<string, StoredAlias>;
  /** Resource-based policies by qualifier ('' for the unqualified function). */
  policies?: Record<string, { statements: PolicyStatement[]; revisionId: string }>;
}

export class FunctionStore {
  constructor(private readonly docs: DocumentStore, private readonly box: SecretBox) {}

  private key(accountId: string, region: string, name: string) {
    return { kind: KIND, accountId, region, id: name };
  }

  get(accountId: string, region: string, name: string): Promise<StoredFunction | undefined> {
    return this.docs.get<StoredFunction>(this.key(accountId, region, name));
  }

  /** Returns false when a function of that name exists already. */
  create(accountId: string, region: string, fn: StoredFunction): Promise<boolean> {
    return this.docs.create(this.key(accountId, region, fn.config.FunctionName), fn);
  }

  /**
   * Read-modify-write in one transaction. `change` may throw (precondition failures) and then
   * nothing is written; it is never handed a missing function.
   */
  async update(accountId: string, region: string, name: string, change: (fn: StoredFunction) => StoredFunction): Promise<{ before: StoredFunction; after: StoredFunction } | undefined> {
    let before: StoredFunction | undefined;
    const after = await this.docs.update<StoredFunction>(this.key(accountId, region, name), (cur) => {
      if (!cur) return undefined;
      before = cur;
      return change(cur);
    });
    return before && after ? { before, after } : undefined;
  }

  delete(accountId: string, region: string, name: string): Promise<boolean> {
    return this.docs.delete(this.key(accountId, region, name));
  }

  /** Functions in name order after `after`, at most `limit`. */
  async list(accountId: string, region: string, after: string | undefined, limit: number): Promise<StoredFunction[]> {
    return (await this.docs.list<StoredFunction>(KIND, accountId, region, { after, limit })).map((r) => r.doc);
  }

  async listAll(accountId: string, region: string): Promise<StoredFunction[]> {
    return (await this.docs.list<StoredFunction>(KIND, accountId, region)).map((r) => r.doc);
  }

  sealEnvironment(variables: Record<string, string> | undefined): string | undefined {
    return variables && Object.keys(variables).length ? this.box.seal(JSON.stringify(variables)) : undefined;
  }

  /** The configuration as Lambda returns it, environment opened ($LATEST or a published version). */
  configurationOf(fn: StoredFunction | StoredVersion): FunctionConfiguration {
    if (!fn.sealedEnvironment) return { ...fn.config };
    return { ...fn.config, Environment: { Variables: JSON.parse(this.box.open(fn.sealedEnvironment)) as Record<string, string> } };
  }
}
