// The bundles the build makes: each entry (TypeScript) and the folder its bundle goes to.
// onnxruntime-node stays outside every bundle: its native binaries are found or installed
// at run time (packages/onnx), so no dist/ carries them.
export const EXTERNALS = ['onnxruntime-node'];

export const ACTIONS = [
  'register-model',
  'build-image',
  'benchmark-on-hardware',
  'gate-on-metrics',
  'deploy',
];

const SERVE_ENTRY = 'packages/deploy/src/serve-main.ts';

export const BUNDLES = [
  ...ACTIONS.map((action) => ({
    name: `actions/${action}`,
    entry: `actions/${action}/src/index.ts`,
    out: `actions/${action}/dist`,
  })),
  { name: 'actions/deploy (server)', entry: SERVE_ENTRY, out: 'actions/deploy/dist/serve' },
  { name: 'root action', entry: 'src/action.ts', out: 'dist' },
  { name: 'root action (server)', entry: SERVE_ENTRY, out: 'dist/serve' },
  { name: 'envoy command line', entry: 'packages/cli/src/index.ts', out: 'dist/cli' },
];

/** Folders holding committed bundles, compared as a whole by the dist check. */
export const DIST_FOLDERS = [...ACTIONS.map((action) => `actions/${action}/dist`), 'dist'];
