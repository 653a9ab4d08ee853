// The AWS CLI's high-level `s3` commands (`ls`, `cp`, `mb`...) are client-side programs, not API
// calls, and AWS Chatbot runs API commands only. People type them anyway: answer with the
// `s3api` command that does the same, filled in from their S3 URI where there is one.
const HIGH_LEVEL = new Set(['ls', 'cp', 'mv', 'rm', 'sync', 'mb', 'rb', 'presign', 'website']);

function splitUri(arg: string | undefined): { bucket?: string; key?: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(arg ?? '');
  return m ? { bucket: m[1], key: m[2] || undefined } : {};
}

function equivalent(cmd: string, args: string[]): string | undefined {
  const uri = args.find((a) => a.startsWith('s3://'));
  const { bucket, key } = splitUri(uri);
  switch (cmd) {
    case 'ls': return bucket ? `s3api list-objects-v2 --bucket ${bucket}${key ? ` --prefix ${key}` : ''}` : 's3api list-buckets';
    case 'mb': return `s3api create-bucket --bucket ${bucket ?? '<bucket>'}`;
    case 'rb': return `s3api delete-bucket --bucket ${bucket ?? '<bucket>'}`;
    case 'rm': return `s3api delete-object --bucket ${bucket ?? '<bucket>'} --key ${key ?? '<key>'}`;
    case 'website': return `s3api put-bucket-website --bucket ${bucket ?? '<bucket>'} --website-configuration IndexDocument={Suffix=index.html}`;
    case 'cp': case 'mv': {
      const to = splitUri(args.filter((a) => a.startsWith('s3://'))[1]);
      return bucket && to.bucket ? `s3api copy-object --copy-source ${bucket}/${key ?? '<key>'} --bucket ${to.bucket} --key ${to.key ?? key ?? '<key>'}` : undefined;
    }
    default: return undefined;
  }
}

/** The answer to a high-level `s3` command, or undefined when `cmd` is not one (an API name like `list-buckets`). */
export function highLevelS3(cmd: string, args: string[]): string | undefined {
  if (!HIGH_LEVEL.has(cmd)) return undefined;
  const alt = equivalent(cmd, args);
  const head = `\`s3 ${cmd}\` is one of the AWS CLI's high-level S3 commands, which run on your computer; in chat I run API commands only.`;
  return alt
    ? `${head} The API command for this is:\n\`@aws ${alt}\``
    : `${head} Use the \`s3api\` commands instead (\`@aws s3api help object\` lists the object commands, e.g. \`list-objects-v2\`, \`copy-object\`, \`delete-object\`).`;
}
