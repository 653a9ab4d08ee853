// A feature module (Chatbot, S3, SNS, trails, chat, console...) plugs into the server through this
// one shape: services it serves, HTTP routes it owns, background work it starts and stops.
import type { Config } from '../common/config.js';
import type { Stores } from '../storage/stores.js';
import type { SecretBox } from '../storage/secrets.js';
import type { IdentityStore } from '../identity/store.js';
import type { CredentialResolver } from '../auth/credentials.js';
import type { Authorizer } from '../auth/authorize.js';
import type { ServiceDefinition } from './service.js';
import type { Clock, Ids } from '../common/runtime.js';
import type { LazyServiceEntry, ServiceRegistry } from './registry.js';
import type { Route } from './routes.js';
import type { Logger } from '../common/runtime.js';
import type { FeedConsumer } from '../records/feed.js';
import type { StoredEvent } from '../storage/event-store.js';
import type { BucketStorage, ChannelCommands, TopicPublisher } from './capabilities.js';
import type { ChatDirectory } from './chat-directory.js';
import type { ChatPolicyLookup } from './chat-policies.js';
import type { InternalClient } from './internal-client.js';

export interface ModuleDeps {
  config: Config;
  stores: Stores;
  box: SecretBox;
  identity: IdentityStore;
  credentials: CredentialResolver;
  authorizer: Authorizer;
  registry: ServiceRegistry;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  /**
   * Appends a record made outside any API call (a console sign-in) durably and hands it to the
   * record feed's consumers, as the pipeline does for a call's record.
   */
  appendRecord(event: StoredEvent): Promise<void>;
  /** The only way a module calls an AWS API of chattrail (usable once the server is assembled). */
  client: InternalClient;
  /** Other modules' capabilities, resolved lazily for the same reason. */
  buckets(): BucketStorage | undefined;
  topics(): TopicPublisher | undefined;
  serviceEndpoints(): ServiceEndpoints | undefined;
  /** Chat channels as AWS Chatbot configured them (the Chatbot module offers it). */
  chatChannels(): ChatDirectory | undefined;
  /** Chat commands run as a channel runs them (the chat module offers it). */
  channelCommands(): ChannelCommands | undefined;
  /** Organizations' effective chat applications policies (the organizations module offers it). */
  chatPolicies(): ChatPolicyLookup | undefined;
  /** The server's own base URL (http://host:port), known once it listens. */
  baseUrl(): string;
}

export interface Module {
  name: string;
  services?: ServiceDefinition[];
  /**
   * Services built on first use (the backend's forwarded services): registered after every
   * module's `services`, and never in place of one of them.
   */
  lazyServices?: { entry: LazyServiceEntry; load(): ServiceDefinition }[];
  routes?: Route[];
  /** Capabilities offered to other modules: each knows nothing of who uses it. */
  buckets?: BucketStorage;
  topics?: TopicPublisher;
  serviceEndpoints?: ServiceEndpoints;
  chatChannels?: ChatDirectory;
  channelCommands?: ChannelCommands;
  chatPolicies?: ChatPolicyLookup;
  /** Called once the HTTP server listens. */
  start?(): Promise<void>;
  /** What `GET /_chattrail/health` shows of this module, under its name (the backend's state). */
  health?(): Record<string, unknown>;
  /** Called on shutdown, before storage closes. */
  stop?(): Promise<void>;
  /**
   * Consumers of the record feed (src/records/feed.ts): durable ones resume from a cursor stored
   * beside the events and never slow the request path; live ones get each record in memory.
   */
  consumers?: FeedConsumer[];
}

/** One SNS message as an AWS service's own endpoint receives it. */
export interface ServiceNotification {
  topicArn: string;
  messageId: string;
  subject?: string;
  /** The text for the https protocol (MessageStructure=json picks its `https` entry, else `default`). */
  message: string;
  timestamp: Date;
}

/**
 * SNS subscriptions whose endpoint is an AWS service inside chattrail (AWS Chatbot subscribes
 * https://global.sns-api.chatbot.amazonaws.com to its channels' topics, as in AWS): such a
 * subscription is confirmed at once and its messages are handed over in process, never sent
 * over the network.
 */
export interface ServiceEndpoints {
  register(endpoint: string, deliver: (n: ServiceNotification) => Promise<void>): void;
}
