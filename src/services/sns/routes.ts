// chattrail's own SNS endpoints under /_chattrail/sns/: the signing certificate (SigningCertURL),
// SubscribeURL (confirms a subscription, or restores an unsubscribed one) and UnsubscribeURL.
// They are unsigned GETs, as SNS's own are, so the token or ARN in the URL is the authority.
import { isAwsError, statusOf } from '../../protocol/errors.js';
import type { RawRequest, RawResponse } from '../../protocol/http.js';
import type { ServiceModel } from '../../protocol/model.js';
import { serializeQueryError, serializeQueryResponse } from '../../protocol/query.js';
import type { Route } from '../../core/routes.js';
import type { Ids } from '../../common/runtime.js';
import { ROUTE_PREFIX, type SnsEngine } from './engine.js';
import type { SnsSigner } from './signing.js';

export interface SnsRouteDeps {
  model: ServiceModel;
  engine: SnsEngine;
  ids: Ids;
  signer(): Promise<SnsSigner>;
}

const XML = { 'content-type': 'text/xml' };

export function snsRoute(deps: SnsRouteDeps): Route {
  const respond = async (opName: string, requestId: string, run: () => Promise<Record<string, unknown>>): Promise<RawResponse> => {
    try {
      const output = await run();
      const op = deps.model.operation(opName)!;
      const body = serializeQueryResponse(deps.model, opName, op.output?.resultWrapper, op.output?.shape, output, requestId);
      return { status: 200, headers: { ...XML, 'x-amzn-requestid': requestId }, body };
    } catch (e) {
      if (!isAwsError(e)) throw e;
      const status = statusOf(e, (c) => deps.model.statusOfError(c));
      return { status, headers: { ...XML, 'x-amzn-requestid': requestId }, body: serializeQueryError(deps.model, e.code, e.message, e.senderFault, requestId) };
    }
  };

  return {
    prefix: ROUTE_PREFIX,
    async handle(req: RawRequest): Promise<RawResponse> {
      const sub = req.rawPath.slice(ROUTE_PREFIX.length);
      if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, headers: { 'content-type': 'text/plain', allow: 'GET' }, body: 'Method not allowed\n' };
      const q = req.query;
      const requestId = deps.ids.uuid();
      switch (sub) {
        case 'SimpleNotificationService.pem':
          return { status: 200, headers: { 'content-type': 'application/x-x509-ca-cert', 'cache-control': 'max-age=86400' }, body: (await deps.signer()).certificatePem };
        case 'confirm':
          return respond('ConfirmSubscription', requestId, async () =>
            ({ SubscriptionArn: await deps.engine.confirm(q.get('TopicArn') ?? '', q.get('Token') ?? '', false, false) }));
        case 'unsubscribe':
          return respond('Unsubscribe', requestId, async () => {
            await deps.engine.unsubscribe(q.get('SubscriptionArn') ?? '', undefined);
            return {};
          });
        default:
          return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found\n' };
      }
    },
  };
}
