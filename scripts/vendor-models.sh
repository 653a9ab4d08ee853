#!/usr/bin/env bash
# Refreshes models/<service>/service-2.json.gz from the installed botocore (the AWS CLI's own copy of
# the AWS service models). The models are Apache-2.0 (see models/NOTICE); we keep them gzipped as
# botocore ships them, and endpoints.json for the partition's region list.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
data=$(python3 -c "import botocore,os;print(os.path.join(os.path.dirname(botocore.__file__),'data'))")
declare -A versions=(
  [sts]=2011-06-15 [iam]=2010-05-08 [cloudtrail]=2013-11-01 [chatbot]=2017-10-11
  [s3]=2006-03-01 [sns]=2010-03-31 [lambda]=2015-03-31 [organizations]=2016-11-28 [accessanalyzer]=2019-11-01
)
for svc in "${!versions[@]}"; do
  mkdir -p "$here/models/$svc"
  cp "$data/$svc/${versions[$svc]}/service-2.json.gz" "$here/models/$svc/service-2.json.gz"
  if [ -f "$data/$svc/${versions[$svc]}/paginators-1.json" ]; then
    cp "$data/$svc/${versions[$svc]}/paginators-1.json" "$here/models/$svc/paginators-1.json"
  fi
done
# The services a backend emulator may serve (issue 11): every botocore model whose service moto
# implements (moto's own list of service names, matched to botocore's by name without dashes). We
# vendor this set rather than all of botocore (457 models, 13 MB gzipped): nothing can be forwarded
# to a service no backend serves, LocalStack's set is close to moto's, and the repository grows by
# half as much. Each is the latest API version botocore has, with its paginators.
python3 - "$data" "$here/models" <<'PY'
import inspect, json, os, re, shutil, sys
import moto, moto.backends
data, out = sys.argv[1], sys.argv[2]
native = {'sts', 'iam', 'cloudtrail', 'chatbot', 's3', 'sns', 'lambda', 'organizations', 'accessanalyzer'}
moto_names = set(re.findall(r"Literal\['([^']+)'\]", inspect.getsource(moto.backends)))
botocore_names = {d.replace('-', '').lower(): d for d in os.listdir(data) if os.path.isdir(os.path.join(data, d))}
served = sorted({botocore_names[k] for k in (n.replace('-', '').replace('_', '').lower() for n in moto_names) if k in botocore_names} - native)
for svc in served:
    versions = sorted(v for v in os.listdir(os.path.join(data, svc)) if os.path.exists(os.path.join(data, svc, v, 'service-2.json.gz')))
    src = os.path.join(data, svc, versions[-1])
    os.makedirs(os.path.join(out, svc), exist_ok=True)
    shutil.copy(os.path.join(src, 'service-2.json.gz'), os.path.join(out, svc, 'service-2.json.gz'))
    if os.path.exists(os.path.join(src, 'paginators-1.json')):
        shutil.copy(os.path.join(src, 'paginators-1.json'), os.path.join(out, svc, 'paginators-1.json'))
# EC2 records name a call's members one way for the operations of the 2015-03-01 API and another
# way for later ones (src/records/ec2-records.ts): the older operation names decide which.
import gzip
with gzip.open(os.path.join(data, 'ec2', '2015-03-01', 'service-2.json.gz')) as f:
    classic = sorted(json.load(f)['operations'])
with open(os.path.join(out, 'ec2', 'classic-operations.json'), 'w') as f:
    json.dump(classic, f, indent=0)
    f.write('\n')
with open(os.path.join(out, 'backend-services.json'), 'w') as f:
    json.dump({'moto': moto.__version__, 'services': served}, f, indent=0)
    f.write('\n')
print(f'vendored {len(served)} backend models (the services moto {moto.__version__} serves)')
PY
node "$here/scripts/backend-index.mjs"
gzip -c "$data/endpoints.json" > "$here/models/endpoints.json.gz"
python3 -c "import botocore;print('botocore', botocore.__version__)" > "$here/models/VERSION"
echo "vendored ${#versions[@]} models from $(cat "$here/models/VERSION")"
# Every service the AWS CLI knows, so chat can tell "not served here yet" from a typo.
python3 - "$data" > "$here/models/aws-services.json" <<'PY'
import json, os, sys
data = sys.argv[1]
names = sorted(n for n in os.listdir(data) if os.path.isdir(os.path.join(data, n)) and any(
    os.path.exists(os.path.join(data, n, v, 'service-2.json.gz')) or os.path.exists(os.path.join(data, n, v, 'service-2.json'))
    for v in os.listdir(os.path.join(data, n)) if os.path.isdir(os.path.join(data, n, v))))
print(json.dumps(names))
PY
