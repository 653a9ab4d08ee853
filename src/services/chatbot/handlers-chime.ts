// Chatbot's Amazon Chime webhook configurations. The webhook URL carries Chime's token, so it is
// sealed at rest and, as in AWS, never returned by any operation.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { ChatbotDeps } from './deps.js';
import { MAX_CONFIGURATIONS } from './deps.js';
import type { ChimeWebhookConfiguration, Tag } from './records.js';
import { configurationArn, configurationName } from './arns.js';
import { pages, rowId } from './pagination.js';
import { checkConfigurationMembers } from './handlers-slack.js';
import { passConfigurationRole } from './roles.js';

export const CHIME_CONFIG_TYPE = 'AWS::Chatbot::ChimeWebhookConfiguration';

interface CreateInput {
  WebhookDescription: string; WebhookUrl: string; SnsTopicArns: string[]; IamRoleArn: string;
  ConfigurationName: string; LoggingLevel?: string; Tags?: Tag[];
}
type UpdateInput = Partial<Omit<CreateInput, 'ConfigurationName' | 'Tags'>> & { ChatConfigurationArn: string };

export function chimeHandlers(deps: ChatbotDeps): Record<string, Handler> {
  const { store } = deps;

  async function findConfig(ctx: CallContext, arn: string): Promise<ChimeWebhookConfiguration> {
    const name = configurationName(arn, 'chime-webhook', ctx.accountId);
    const cfg = name === undefined ? undefined : await store.chimeConfigs.get(ctx.accountId, name);
    if (!cfg) throw new AwsError('ResourceNotFoundException', `No Chime webhook configuration ${arn} exists in account ${ctx.accountId}.`);
    ctx.addResource(CHIME_CONFIG_TYPE, cfg.ChatConfigurationArn);
    return cfg;
  }

  return {
    async CreateChimeWebhookConfiguration(i: CreateInput, ctx: CallContext) {
      const tags = checkConfigurationMembers(i);
      await passConfigurationRole(ctx, deps.roles, i.IamRoleArn);
      const all = await store.chimeConfigs.list(ctx.accountId);
      if (all.length >= MAX_CONFIGURATIONS) throw new AwsError('LimitExceededException', `Account ${ctx.accountId} already has ${MAX_CONFIGURATIONS} Chime webhook configurations.`);
      const arn = configurationArn(ctx.accountId, 'chime-webhook', i.ConfigurationName);
      const cfg: ChimeWebhookConfiguration = {
        WebhookDescription: i.WebhookDescription, ChatConfigurationArn: arn, IamRoleArn: i.IamRoleArn, SnsTopicArns: i.SnsTopicArns,
        ConfigurationName: i.ConfigurationName, LoggingLevel: i.LoggingLevel ?? 'NONE', Tags: tags, State: 'ENABLED',
        SealedWebhookUrl: store.box.seal(i.WebhookUrl), AccountId: ctx.accountId, CreatedAt: ctx.clock.now(),
      };
      if (!(await store.chimeConfigs.create(ctx.accountId, i.ConfigurationName, cfg))) {
        throw new AwsError('ConflictException', `A Chime webhook configuration named ${i.ConfigurationName} already exists.`);
      }
      ctx.addResource(CHIME_CONFIG_TYPE, arn);
      await deps.subscribeTopics(ctx.accountId, cfg.SnsTopicArns);
      return { WebhookConfiguration: cfg };
    },

    async UpdateChimeWebhookConfiguration(i: UpdateInput, ctx: CallContext) {
      checkConfigurationMembers(i);
      await passConfigurationRole(ctx, deps.roles, i.IamRoleArn);
      const cfg = await findConfig(ctx, i.ChatConfigurationArn);
      const next: ChimeWebhookConfiguration = {
        ...cfg, WebhookDescription: i.WebhookDescription ?? cfg.WebhookDescription, IamRoleArn: i.IamRoleArn ?? cfg.IamRoleArn,
        SnsTopicArns: i.SnsTopicArns ?? cfg.SnsTopicArns, LoggingLevel: i.LoggingLevel ?? cfg.LoggingLevel,
        SealedWebhookUrl: i.WebhookUrl !== undefined ? store.box.seal(i.WebhookUrl) : cfg.SealedWebhookUrl,
      };
      await store.chimeConfigs.put(ctx.accountId, cfg.ConfigurationName, next);
      if (i.SnsTopicArns) await deps.subscribeTopics(ctx.accountId, i.SnsTopicArns);
      return { WebhookConfiguration: next };
    },

    async DeleteChimeWebhookConfiguration(i: { ChatConfigurationArn: string }, ctx: CallContext) {
      const cfg = await findConfig(ctx, i.ChatConfigurationArn);
      await store.chimeConfigs.delete(ctx.accountId, cfg.ConfigurationName);
      for (const r of await store.associations.list(ctx.accountId, `${cfg.ChatConfigurationArn}|`)) await store.associations.delete(ctx.accountId, r.id);
      return {};
    },

    async DescribeChimeWebhookConfigurations(i: { ChatConfigurationArn?: string }, ctx: CallContext) {
      let rows = await store.chimeConfigs.list(ctx.accountId);
      if (i.ChatConfigurationArn !== undefined) rows = rows.filter((r) => r.doc.ChatConfigurationArn === i.ChatConfigurationArn);
      const page = pages.list('DescribeChimeWebhookConfigurations', i, ctx, rows, rowId);
      return page.output(page.items.map((r) => r.doc));
    },
  };
}
