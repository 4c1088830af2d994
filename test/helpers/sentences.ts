import * as ts from 'typescript';

/*
 * Sentence-like text in TypeScript source, outside error messages: what
 * test/unit/lib-words.test.ts holds src/lib/ to.
 */

/** Words the way a sentence has them: three in a row, lower-case after the first. */
const SENTENCE = /[A-Za-z][a-z']+[ ,:;]+[a-z'][a-z']*[ ,:;]+[a-z'][a-z']+/;
/**
 * Two words or more in parentheses, the way a report stands in for a missing value
 * (`(no message)`, `(unknown flow)`). Two words outside parentheses are not checked: in
 * lib/ they are mostly names of things (`task channel`, `Studio flow`, `the recording`
 * handed to an error message), Liquid and XML templates, which a count could not tell
 * from words a user reads.
 */
const PLACEHOLDER = /\((?:[a-z']+ )+[a-z']+\)/;
const ERROR_CALLEE = /(Error|Failure)$/;

export interface Sentence {
  file: string;
  line: number;
  text: string;
}

/** Sentence-like literals of one source file outside error messages. */
export function sentencesIn(file: string, source: string): Sentence[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  // Functions of this file that never return (`notOurs(file, why): never`) build error messages.
  const neverReturns = new Set<string>();
  const collect = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) && node.name && node.type?.kind === ts.SyntaxKind.NeverKeyword) neverReturns.add(node.name.text);
    ts.forEachChild(node, collect);
  };
  collect(sf);
  const calleeName = (e: ts.Expression): string => (ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : '');
  const found: Sentence[] = [];
  const visit = (node: ts.Node, inError: boolean): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isLiteralTypeNode(node)) return;
    if (ts.isThrowStatement(node)) inError = true;
    if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && (ERROR_CALLEE.test(calleeName(node.expression)) || neverReturns.has(calleeName(node.expression)))) inError = true;
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === 'hint') inError = true;
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node)) text = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' X ');
    if (text !== undefined && !inError && (SENTENCE.test(text) || PLACEHOLDER.test(text))) {
      found.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text });
    }
    ts.forEachChild(node, (child) => visit(child, inError));
  };
  visit(sf, false);
  return found;
}
