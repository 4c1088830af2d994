export * from './constants';
export type { BuildOptions } from './options';
export { botRequestUrl, isValidEscalationKey, assertEscalationKey, checkBuildOptions } from './options';
export { buildFlow } from './build';
export type { PatchOptions, PatchResult } from './patch';
export { patchFlow } from './patch';
export type { LintIssue } from './lint';
export { lintFlow } from './lint';
export type { FlowChange } from './diff';
export { diffFlows, sameFlow, formatDiff, endpointRedactor } from './diff';
export { toMermaid } from './diagram';
export {
  defaultFlexAttributes,
  cognigyAttributes,
  buildAttributes,
  mergeCognigyAttributes,
  parseTemplate,
  BareLiquid,
  stringifyTemplate,
  COGNIGY_ATTRIBUTES_KEY,
} from './attributes';
export { canonicalJson, deepEqual } from './canonical';
export { CELL } from './loop';
