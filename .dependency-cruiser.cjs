// The layer rules of chattrail (README, "Architecture"); `npm test` runs them and fails on a
// violation or an import cycle. A layer imports only the layers listed for it (and itself): lower
// layers never see higher ones, services never see each other, the server, chat or the console, and
// only the composition root (server/app.ts) and the CLI see everything.
const BELOW_SERVICES = ['common', 'net', 'protocol', 'policy', 'storage', 'identity', 'auth', 'records', 'core'];
const LAYERS = {
  common: ['net'],
  net: [],
  protocol: ['common'],
  policy: ['common'],
  // storage may read the wire's payload types (spooled uploads reach the object store as files)
  storage: ['common', 'protocol'],
  identity: ['common', 'storage', 'policy', 'protocol'],
  records: ['common', 'protocol', 'storage'],
  auth: ['common', 'net', 'protocol', 'policy', 'storage', 'identity'],
  core: ['common', 'net', 'protocol', 'policy', 'storage', 'identity', 'auth', 'records'],
  slack: ['common', 'net', 'storage'],
  chat: [...BELOW_SERVICES, 'slack', 'services/chatbot'],
  console: [...BELOW_SERVICES, 'slack', 'chat'],
  server: BELOW_SERVICES,
};
const alt = (xs) => `(${xs.join('|')})`;
const layerRule = ([layer, may]) => ({
  name: `layer-${layer}`,
  comment: `src/${layer} may import ${may.length ? may.map((m) => `src/${m}`).join(', ') : 'nothing else of src/'} (and itself)`,
  severity: 'error',
  from: { path: `^src/${layer}/`, ...(layer === 'server' ? { pathNot: '^src/server/app\\.ts$' } : {}) },
  to: { path: '^src/', pathNot: [`^src/${layer}/`, ...(may.length ? [`^src/${alt(may)}/`] : [])] },
});

module.exports = {
  forbidden: [
    ...Object.entries(LAYERS).map(layerRule),
    {
      name: 'layer-services',
      comment: 'a service folder imports its own folder, services/shared and the layers below services: never another service',
      severity: 'error',
      from: { path: '^src/services/([^/]+)/' },
      to: { path: '^src/', pathNot: ['^src/services/$1/', '^src/services/shared/', `^src/${alt([...BELOW_SERVICES, 'slack'])}/`] },
    },
    {
      name: 'services-shared',
      comment: 'services/shared holds helpers every service may use; it sees only the layers below services',
      severity: 'error',
      from: { path: '^src/services/shared/' },
      to: { path: '^src/', pathNot: ['^src/services/shared/', `^src/${alt(BELOW_SERVICES)}/`] },
    },
    {
      name: 'no-test-code-in-production',
      comment: 'production code never imports tests or test support',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: ['\\.test\\.ts$', '^test/'] },
    },
    {
      name: 'no-cycles',
      comment: 'no import cycle between modules (break it with an interface in the lower module)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'no import cycle between folders',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['\\.test\\.ts$', '^src/console/web/'] },
    doNotFollow: { path: 'node_modules' },
  },
};
