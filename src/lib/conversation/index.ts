/** Scripted conversation tests: script readers, matching, the runner and its reporters. */
export * from './types';
export { readScripts, scriptFormat, checkConversation, type ScriptFormat } from './read';
export { parseConvoTxt } from './botium';
export { parseYamlScript } from './yaml-format';
export * from './match';
export * from './runner';
export * from './report';
export * from './junit';
