// The HTTP messages SNS sends to http(s) subscribers, in SNS's own format: JSON bodies with the
// documented field order, signed (SignatureVersion 1 or 2), and the x-amz-sns-* headers.
import type { SnsSigner } from './signing.js';

export interface OutgoingMessage {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface MessageAttribute { DataType: string; StringValue?: string; BinaryValue?: Buffer }

export interface SigningContext {
  signer: SnsSigner;
  signatureVersion: '1' | '2';
  signingCertUrl: string;
}

function headers(type: string, messageId: string, topicArn: string, subscriptionArn?: string): Record<string, string> {
  const h: Record<string, string> = {
    'x-amz-sns-message-type': type,
    'x-amz-sns-message-id': messageId,
    'x-amz-sns-topic-arn': topicArn,
  };
  if (subscriptionArn) h['x-amz-sns-subscription-arn'] = subscriptionArn;
  h['content-type'] = 'text/plain; charset=UTF-8';
  h['user-agent'] = 'Amazon Simple Notification Service Agent';
  return h;
}

/** A SubscriptionConfirmation (on Subscribe) or UnsubscribeConfirmation (on Unsubscribe). */
export function confirmationMessage(s: SigningContext, p: {
  type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  messageId: string; token: string; topicArn: string; subscriptionArn: string; endpoint: string; subscribeUrl: string; timestamp: Date;
}): OutgoingMessage {
  const text = p.type === 'SubscriptionConfirmation'
    ? `You have chosen to subscribe to the topic ${p.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
    : `You have chosen to deactivate subscription ${p.subscriptionArn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`;
  const msg: Record<string, string> = {
    Type: p.type, MessageId: p.messageId, Token: p.token, TopicArn: p.topicArn, Message: text,
    SubscribeURL: p.subscribeUrl, Timestamp: p.timestamp.toISOString(),
  };
  const signed = { ...msg, SignatureVersion: s.signatureVersion, Signature: s.signer.sign(msg, s.signatureVersion), SigningCertURL: s.signingCertUrl };
  return {
    url: p.endpoint,
    headers: headers(p.type, p.messageId, p.topicArn, p.type === 'UnsubscribeConfirmation' ? p.subscriptionArn : undefined),
    body: JSON.stringify(signed, null, 2),
  };
}

/** The signed part of a Notification, shared by every subscription of one Publish. */
export interface SignedNotification {
  messageId: string;
  topicArn: string;
  fields: Record<string, string>;
  messageAttributes?: Record<string, { Type: string; Value: string }>;
}

export function signNotification(s: SigningContext, p: {
  messageId: string; topicArn: string; subject?: string; message: string; timestamp: Date; attributes?: Record<string, MessageAttribute>;
}): SignedNotification {
  const msg: Record<string, string> = { Type: 'Notification', MessageId: p.messageId, TopicArn: p.topicArn };
  if (p.subject !== undefined) msg.Subject = p.subject;
  msg.Message = p.message;
  msg.Timestamp = p.timestamp.toISOString();
  const fields = { ...msg, SignatureVersion: s.signatureVersion, Signature: s.signer.sign(msg, s.signatureVersion), SigningCertURL: s.signingCertUrl };
  let messageAttributes: SignedNotification['messageAttributes'];
  if (p.attributes && Object.keys(p.attributes).length) {
    messageAttributes = {};
    for (const [name, a] of Object.entries(p.attributes)) {
      messageAttributes[name] = { Type: a.DataType, Value: a.BinaryValue !== undefined ? a.BinaryValue.toString('base64') : (a.StringValue ?? '') };
    }
  }
  return { messageId: p.messageId, topicArn: p.topicArn, fields, messageAttributes };
}

/** One subscription's copy: the envelope plus its own UnsubscribeURL, or the bare message (raw
 * delivery). `n` must have been signed over this subscription's message text. */
export function notificationFor(n: SignedNotification, sub: { arn: string; endpoint: string; raw: boolean }, unsubscribeUrl: string): OutgoingMessage {
  const h = headers('Notification', n.messageId, n.topicArn, sub.arn);
  if (sub.raw) return { url: sub.endpoint, headers: { ...h, 'x-amz-sns-rawdelivery': 'true' }, body: n.fields.Message };
  const body: Record<string, unknown> = { ...n.fields, UnsubscribeURL: unsubscribeUrl };
  if (n.messageAttributes) body.MessageAttributes = n.messageAttributes;
  return { url: sub.endpoint, headers: h, body: JSON.stringify(body, null, 2) };
}
