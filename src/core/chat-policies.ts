// The contract between chat (src/chat/) and AWS Organizations: the effective chat applications
// policy (CHATBOT_POLICY) of an account, with which attached policy set each setting, so a refusal
// can name the policy. Offered by the organizations module; neither side imports the other.

/** An attached policy, as a refusal names it. */
export interface ChatPolicyRef {
  policyId: string;
  policyName: string;
}

export interface EffectiveChatPolicy {
  organizationId: string;
  /** The effective policy as DescribeEffectivePolicy shows it (field names in lower case). */
  content: Record<string, unknown>;
  /** The policy whose operator last set each setting, by its path in `content` (keys joined by '/'). */
  sources: Record<string, ChatPolicyRef>;
}

export interface ChatPolicyLookup {
  /**
   * The effective CHATBOT_POLICY of an account; undefined when the account is in no organization,
   * the type is not enabled on its root, or no policy of the type applies to it.
   */
  effectiveChatPolicy(accountId: string): Promise<EffectiveChatPolicy | undefined>;
}
