// Capabilities one feature module offers the others through ModuleDeps. Each is worded for what
// it does, never for who calls it: a bucket any AWS service may write its files into, a topic any
// service may publish to. The caller (trail delivery, later Config or an event bus) brings its
// own service principal and its own error wording.
import type { Principal } from '../common/principal.js';
import type { ServiceWriter } from '../policy/service-write.js';

/** Whether a destination lets a service write: it is missing, its policy refuses, or it allows. */
export type Grant = 'allowed' | 'refused' | 'missing';

export interface PutOptions {
  contentType: string;
  contentEncoding?: string;
  metadata?: Record<string, string>;
}

/** A place for files: the embedded S3, or an external S3-compatible endpoint. */
export interface BucketStorage {
  /**
   * Whether `writer` may deliver under `keyPrefix` of `bucket`, as AWS services that deliver log
   * files check it: s3:GetBucketAcl on the bucket and s3:PutObject (with the
   * bucket-owner-full-control ACL) under the prefix, by the bucket's policy.
   */
  serviceWriteGrant(bucket: string, keyPrefix: string, writer: ServiceWriter): Promise<Grant>;
  /** Writes an object atomically, as the service (no API record: it is not the owner's call). Throws on failure. */
  putObject(bucket: string, key: string, body: Buffer, opts: PutOptions): Promise<void>;
  /** The region a bucket lives in, undefined when it does not exist. */
  bucketRegion(bucket: string): Promise<string | undefined>;
}

/** Topics a service may publish notifications to: the embedded SNS. */
export interface TopicPublisher {
  /** Whether `publisher` may SNS:Publish to the topic by its policy; `invalid` for an ARN that names no topic. */
  servicePublishGrant(topicArn: string, publisher: ServiceWriter): Promise<Grant | 'invalid'>;
  /** Publishes to the topic's subscribers; returns the MessageId. */
  publish(topicArn: string, message: string, subject?: string): Promise<string>;
}

/** A signed-in person a command runs for: it may do nothing they may not do themselves. */
export interface CommandUser {
  principal: Principal;
  sourceIp: string;
  userAgent: string;
}

/** A chat command run as a channel configuration would run it, for a user, without posting to the channel. */
export interface ChannelCommandRun {
  configurationArn: string;
  command: string;
  user: CommandUser;
  /** The user confirmed a command that changes resources (the channel's Run button). */
  confirmed: boolean;
  /** The Slack user whose linked role a user-authorization configuration uses. */
  slackUserId?: string;
}

export interface ChannelCommandOutcome {
  ok: boolean;
  /** What the channel would show. */
  text: string;
  /** The command changes resources and was not confirmed: nothing ran. */
  confirmationRequired?: boolean;
}

/** Runs chat commands the way a channel runs them (the chat module offers it). */
export interface ChannelCommands {
  runForUser(run: ChannelCommandRun): Promise<ChannelCommandOutcome>;
}
