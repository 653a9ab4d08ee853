// SNS Publish: input checks worded as SNS words them (subject, size, message attributes, FIFO
// rules), the topic policy check, then background delivery. Answers with the MessageId at once.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { MessageAttribute } from './messages.js';
import { parsePerProtocol } from './engine.js';
import { requireTopic, type SnsHandlerDeps } from './topics.js';

const MAX_MESSAGE_BYTES = 256 * 1024;

interface PublishInput {
  TopicArn?: string;
  TargetArn?: string;
  PhoneNumber?: string;
  Message: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes?: Record<string, MessageAttribute>;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

const invalid = (what: string) => new AwsError('InvalidParameter', `Invalid parameter: ${what}`);

function checkAttributes(attrs: Record<string, MessageAttribute>): number {
  let bytes = 0;
  for (const [name, a] of Object.entries(attrs)) {
    if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..') || /^(aws|amazon)\./i.test(name)) {
      throw new AwsError('ParameterValueInvalid', `The message attribute name '${name}' is invalid.`);
    }
    const type = a.DataType;
    if (!/^(String|Number|Binary)(\.[A-Za-z0-9_.-]+)?$/.test(type) && type !== 'String.Array') {
      throw new AwsError('ParameterValueInvalid', `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    const binary = type.startsWith('Binary');
    const value = binary ? a.BinaryValue : a.StringValue;
    if (value === undefined || value.length === 0) {
      throw new AwsError('ParameterValueInvalid', `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type.split('.')[0]}'.`);
    }
    if (type.startsWith('Number') && !Number.isFinite(Number(a.StringValue))) {
      throw new AwsError('ParameterValueInvalid', `An error occurred while trying to parse the number value of the message attribute '${name}'.`);
    }
    bytes += Buffer.byteLength(name) + Buffer.byteLength(type) + (binary ? (value as Buffer).length : Buffer.byteLength(value as string));
  }
  return bytes;
}

function checkInput(input: PublishInput): void {
  if (input.PhoneNumber !== undefined) throw invalid('PhoneNumber Reason: chattrail does not send SMS');
  if (input.Message.length === 0) throw invalid('Empty message');
  if (input.Subject !== undefined && (input.Subject.length === 0 || input.Subject.length > 100 || !/^[\x20-\x7e]+$/.test(input.Subject))) {
    throw invalid('Subject');
  }
  if (input.MessageStructure !== undefined) {
    if (input.MessageStructure !== 'json') throw invalid('MessageStructure');
    parsePerProtocol(input.Message);
  }
  const attrBytes = input.MessageAttributes ? checkAttributes(input.MessageAttributes) : 0;
  if (Buffer.byteLength(input.Message) + attrBytes > MAX_MESSAGE_BYTES) throw invalid('Message too long');
}

export function publishHandlers(deps: SnsHandlerDeps): Record<string, Handler> {
  return {
    async Publish(input: PublishInput, ctx: CallContext) {
      const arn = input.TopicArn ?? input.TargetArn;
      if (arn === undefined && input.PhoneNumber === undefined) throw invalid('TopicArn or TargetArn Reason: no value for required parameter');
      checkInput(input);
      const topic = await requireTopic(deps, arn, ctx, 'SNS:Publish');
      let sequence: string | undefined;
      if (topic.fifo) {
        if (!input.MessageGroupId) throw invalid('The MessageGroupId parameter is required for FIFO topics');
        if (!input.MessageDeduplicationId && topic.attributes.ContentBasedDeduplication !== 'true') {
          throw invalid('The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
        }
        const updated = await deps.store.updateTopic(topic, (cur) => cur && { ...cur, sequence: cur.sequence + 1 });
        // 20 digits, increasing, like SNS's FIFO sequence numbers.
        sequence = (10n ** 19n + BigInt(updated?.sequence ?? 1)).toString();
      }
      const messageId = await deps.engine.publish(topic, {
        message: input.Message, subject: input.Subject, structure: input.MessageStructure, attributes: input.MessageAttributes,
      });
      return { MessageId: messageId, SequenceNumber: sequence };
    },
  };
}
