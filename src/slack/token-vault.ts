// Slack bot tokens at rest: sealed with the deployment's master key (SecretBox, AES-256-GCM; the key
// comes from CHATTRAIL_MASTER_KEY or is generated into the data folder on first start). A sealed
// token is a branded string so it cannot be passed where a usable token is expected, or vice versa.
import type { SecretBox } from '../storage/secrets.js';

declare const sealed: unique symbol;
export type SealedBotToken = string & { readonly [sealed]: true };

export class BotTokenVault {
  constructor(private readonly box: SecretBox) {}

  seal(token: string): SealedBotToken {
    return this.box.seal(token) as SealedBotToken;
  }

  open(token: SealedBotToken): string {
    return this.box.open(token);
  }
}

