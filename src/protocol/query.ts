// The query protocol (STS, IAM, SNS): form-encoded `Action=...&Name.member.1=...` requests and
// `<OpResponse><OpResult>...</OpResult><ResponseMetadata/></OpResponse>` XML answers.
import type { MemberRef, ServiceModel, Shape } from './model.js';
import { readScalar, writeXmlMembers, escapeXml } from './xml.js';

/** Reads a value of `shape` from flat form parameters at `prefix` (undefined when absent). */
export function readQueryValue(model: ServiceModel, shape: Shape, params: Map<string, string>, prefix: string, ref?: MemberRef): unknown {
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      let any = false;
      for (const [name, mref] of Object.entries(shape.members ?? {})) {
        const key = prefix ? `${prefix}.${mref.locationName ?? name}` : (mref.locationName ?? name);
        const v = readQueryValue(model, model.shape(mref.shape), params, key, mref);
        if (v !== undefined) { out[name] = v; any = true; }
      }
      return any || !prefix ? out : undefined;
    }
    case 'list': {
      const itemShape = model.shape(shape.member!.shape);
      const flattened = ref?.flattened || shape.flattened;
      const base = flattened ? prefix : `${prefix}.${shape.member!.locationName ?? 'member'}`;
      // `Name=` (empty) is how the query protocol sends an empty list.
      if (!flattened && params.get(prefix) === '') return [];
      const items: unknown[] = [];
      for (let i = 1; ; i++) {
        const v = readQueryValue(model, itemShape, params, `${base}.${i}`, shape.member);
        if (v === undefined) break;
        items.push(v);
      }
      return items.length ? items : undefined;
    }
    case 'map': {
      const flattened = ref?.flattened || shape.flattened;
      const base = flattened ? prefix : `${prefix}.entry`;
      const keyName = shape.key!.locationName ?? 'key';
      const valueName = shape.value!.locationName ?? 'value';
      const out: Record<string, unknown> = {};
      let any = false;
      for (let i = 1; ; i++) {
        const k = params.get(`${base}.${i}.${keyName}`);
        if (k === undefined) break;
        out[k] = readQueryValue(model, model.shape(shape.value!.shape), params, `${base}.${i}.${valueName}`, shape.value);
        any = true;
      }
      return any ? out : undefined;
    }
    default: {
      const text = params.get(prefix);
      return text === undefined ? undefined : readScalar(shape, text, prefix);
    }
  }
}

export function serializeQueryResponse(model: ServiceModel, opName: string, resultWrapper: string | undefined, outputShape: string | undefined, output: unknown, requestId: string): string {
  const ns = model.metadata.xmlNamespace ?? '';
  const members = outputShape && output ? writeXmlMembers(model, model.shape(outputShape), output as Record<string, unknown>) : '';
  const result = resultWrapper ? `<${resultWrapper}>${members}</${resultWrapper}>` : members;
  return `<${opName}Response xmlns="${ns}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${opName}Response>`;
}

export function serializeQueryError(model: ServiceModel, code: string, message: string, senderFault: boolean, requestId: string): string {
  const ns = model.metadata.xmlNamespace ?? '';
  return `<ErrorResponse xmlns="${ns}"><Error><Type>${senderFault ? 'Sender' : 'Receiver'}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
