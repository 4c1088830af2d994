// The layers of src/, lowest first (docs/architecture.md explains each). A module may import
// from its own folder and from a lower layer only: never upwards, never sideways into
// another module of its own layer, and never in a cycle. `npm run lint` checks it with
// dependency-cruiser (`npm run lint:layers` alone); a violation fails with the importing
// file, the imported file and the rule.
'use strict';

/** Each module is a folder of src/lib (`src/lib/<name>/`), a file of src/lib, or named here. */
const MODULE_PATHS = {
  errors: 'src/lib/errors\\.ts$',
  redact: 'src/lib/redact\\.ts$',
  files: 'src/lib/files\\.ts$',
  printers: 'src/printers/',
  cli: 'src/(base-command|flags)\\.ts$',
  commands: 'src/commands/',
};

const LAYERS = [
  ['errors'],
  ['redact', 'domain', 'files'],
  ['http'],
  ['cognigy', 'twilio', 'demo'],
  ['studio'],
  ['runtime'],
  ['flex'],
  ['setup'],
  ['conversation'],
  ['tasks'],
  ['printers'],
  ['web'],
  ['cli'],
  ['commands'],
];

const pathOf = (name) => `^${MODULE_PATHS[name] ?? `src/lib/${name}/`}`;
const anyOf = (names) => names.map(pathOf).join('|');

const layerRules = LAYERS.flatMap((layer, level) =>
  layer.map((name) => {
    const above = LAYERS.slice(level + 1).flat();
    const peers = layer.filter((other) => other !== name);
    const forbidden = [...above, ...peers];
    return {
      name: `layer-${name}`,
      comment: `${name} (layer ${level}) imports only from lower layers: not from ${forbidden.join(', ')}.`,
      severity: 'error',
      from: { path: pathOf(name) },
      to: { path: anyOf(forbidden) },
    };
  }),
).filter((rule) => rule.to.path !== '');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'A cycle of imports, even inside one folder, makes the load order matter and the parts inseparable.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-not-from-test',
      comment: 'Shipped code never imports tests, benchmarks or scripts.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'not-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
