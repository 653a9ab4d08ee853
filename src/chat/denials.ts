// Which layer refused a chat command, read from the denial's own words: said in the channel so
// people know who can change it (the channel's role, its guardrails, a permissions boundary).
/** Which layer refused a command, and who can change it; '' when the error is no denial. */
export function deniedHint(error: { code: string; message: string }, hasGuardrails: boolean): string {
  if (!/^(AccessDenied|AuthorizationError|UnauthorizedOperation)/.test(error.code)) return '';
  const m = error.message;
  const layer = /session policy/.test(m) ? (hasGuardrails ? "the channel's guardrail policies do" : 'a session policy does')
    : /permissions boundary/.test(m) ? "the permissions boundary of the channel's IAM role does"
      : /identity-based policy/.test(m) ? "the channel's IAM role does"
        : hasGuardrails ? "the channel's IAM role or its guardrail policies do" : "the channel's IAM role does";
  return `\n_${layer[0].toUpperCase()}${layer.slice(1)} not allow this. An administrator can change them in the channel configuration._`;
}
