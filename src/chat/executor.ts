// Runs a parsed chat command the way AWS Chatbot does: as the service principal
// chatbot.amazonaws.com, acting for the configuration (aws:SourceAccount, aws:SourceArn), it
// assumes the channel's (or the user's) role with a session name containing "chatbot", then makes
// the call with those credentials, bounded by the channel's guardrail policies. Both calls go
// through the internal client, so both are recorded (in both accounts when the role is another's).
import type { CallResult, InternalClient } from '../core/internal-client.js';
import type { CredentialResolver } from '../auth/credentials.js';
import type { Authorizer } from '../auth/authorize.js';
import type { Principal } from '../common/principal.js';
import { servicePrincipal, servicePrincipals } from '../common/service-principals.js';
import type { CommandUser } from '../core/capabilities.js';
import type { PolicyDocument } from '../policy/document.js';
import type { AwsError } from '../protocol/errors.js';

export const SESSION_NAME = 'chatbot-session';

export interface ExecutorDeps {
  client: InternalClient;
  credentials: CredentialResolver;
  authorizer: Authorizer;
  /** The region AWS Chatbot "processes" commands in: this deployment's home region. */
  homeRegion: string;
}

/** Whose session a command runs in. */
export interface SessionRun {
  /** The configuration's account: whose command this is. */
  accountId: string;
  /** The channel configuration the command came through: the AssumeRole's aws:SourceArn. */
  configurationArn: string;
  roleArn: string;
  guardrailPolicyArns: string[];
}

/** One call with the command's session; `region` defaults to the home region. */
export type SessionCall = (service: string, operation: string, input: Record<string, unknown>, region?: string) => Promise<CallResult>;

export interface CommandRun extends SessionRun {
  serviceName: string;
  opName: string;
  input: Record<string, unknown>;
  region?: string;
}

export type CommandOutcome =
  | { ok: true; output: Record<string, unknown>; region: string }
  | { ok: false; stage: 'assume-role' | 'call'; error: AwsError; region: string };

export class CommandExecutor {
  /** `onBehalfOf`: a signed-in user every call must also be allowed for (the console's test panel). */
  constructor(private readonly deps: ExecutorDeps, private readonly onBehalfOf?: CommandUser) {}

  /** The same executor, for commands a signed-in user runs: the channel's rights, never beyond the user's. */
  actingFor(user: CommandUser): CommandExecutor {
    return new CommandExecutor(this.deps, user);
  }

  async run(cmd: CommandRun): Promise<CommandOutcome> {
    const region = cmd.region ?? this.deps.homeRegion;
    const done = await this.inSession(cmd, (call) => call(cmd.serviceName, cmd.opName, cmd.input, region));
    if (!done.ok) return { ok: false, stage: 'assume-role', error: done.error, region: this.deps.homeRegion };
    const result = done.value;
    return result.ok ? { ok: true, output: result.output, region } : { ok: false, stage: 'call', error: result.error, region };
  }

  /**
   * Assumes the role once, as AWS Chatbot does for a command, and lets `work` make its calls with
   * that session (alias management makes two: CreateCustomAction, AssociateToConfiguration).
   * Calls are made in `region`, the home region when omitted.
   */
  async inSession<T>(cmd: SessionRun, work: (call: SessionCall) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: AwsError }> {
    // Chatbot acts for the configuration: a configuration names its own account's roles only
    // (iam:PassRole), and STS admits another account's role only where its trust policy names this
    // source (policy/evaluate.ts): a configuration stored before that rule, naming a stranger's
    // role, fails here, at AssumeRole, instead of running.
    const chatbot = servicePrincipal(servicePrincipals.chatbot, cmd.accountId, cmd.configurationArn);
    const via = { invokedBy: servicePrincipals.chatbot };
    const assumed = await this.deps.client.callAs(chatbot, 'sts', 'AssumeRole',
      { RoleArn: cmd.roleArn, RoleSessionName: SESSION_NAME, DurationSeconds: 900 }, { region: this.deps.homeRegion, via });
    if (!assumed.ok) return { ok: false, error: assumed.error };
    const keyId = (assumed.output.Credentials as { AccessKeyId: string }).AccessKeyId;
    try {
      const session = await this.deps.credentials.resolve(keyId);
      if (!session) throw new Error(`session ${keyId} vanished right after AssumeRole`);
      const guardrails = await this.guardrails(cmd.accountId, cmd.guardrailPolicyArns);
      const call: SessionCall = (service, operation, input, region) => this.deps.client.callAs(session.principal as Principal, service, operation, input, {
        region: region ?? this.deps.homeRegion, via, guardrails, onBehalfOf: this.onBehalfOf,
        // "attached to all sessions created through" AWS Chatbot (adminguide/scp.html): the calls made
        // with the session carry it; the AssumeRole that creates it is made by chatbot.amazonaws.com.
        conditionKeys: { 'aws:ChatbotSourceArn': cmd.configurationArn },
      });
      return { ok: true, value: await work(call) };
    } finally {
      // The session served this one command; nothing else ever holds its credentials.
      this.deps.credentials.retireInternalSession(keyId);
    }
  }

  /** No guardrails configured means none apply; an unknown guardrail ARN allows nothing (fail closed). */
  private async guardrails(accountId: string, arns: string[]): Promise<PolicyDocument[] | undefined> {
    if (!arns.length) return undefined;
    const docs: PolicyDocument[] = [];
    for (const arn of arns) {
      const doc = await this.deps.authorizer.managedPolicy(accountId, arn);
      docs.push(doc ?? { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] });
    }
    return docs;
  }
}
