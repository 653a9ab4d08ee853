// The bot scopes chattrail asks for when a workspace installs it: the same list, in the same order,
// as slack-app-manifest.yaml (and the test peer's DEFAULT_BOT_SCOPES). Change all three together.
export const BOT_SCOPES: readonly string[] = [
  'app_mentions:read', 'channels:read', 'groups:read', 'chat:write', 'chat:write.public', 'files:write',
  'im:history', 'im:read', 'im:write', 'team:read', 'users:read',
];
