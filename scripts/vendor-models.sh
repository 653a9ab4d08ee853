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
