// The embedded S3 module: the S3 API on the shared pipeline, plus the bucket sink trail delivery
// writes through. Objects live under `<dataDir>/objects/`, their index in the documents store.
import type { Module, ModuleDeps } from '../../core/module.js';
import { s3Deps, s3Service } from './index.js';
import { EmbeddedBucketSink } from './sink.js';

export function s3Module(deps: ModuleDeps): Module {
  const s3 = s3Deps(deps.stores.documents, deps.stores.dataDir, deps.config.maxObjectBytes);
  return {
    name: 's3',
    services: [s3Service(s3)],
    buckets: new EmbeddedBucketSink(s3.buckets, s3.objects, deps.clock),
  };
}
