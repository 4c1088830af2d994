/** Scripted conversation tests: script readers, matching, the runner and what it reports (as data; the reporters are printers). */
export * from './types';
export { readScripts, scriptFormat, checkConversation, type ScriptFormat } from './read';
export { parseConvoTxt } from './botium';
export { parseYamlScript } from './yaml-format';
export * from './match';
export * from './runner';
export * from './report';
export * from './junit';
