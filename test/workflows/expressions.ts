// Evaluates GitHub Actions expressions the way the runner does, with GitHub's own expression
// library: `${{ ... }}` inside a `with:`, `env:` or `outputs:` value, and `if:` conditions.
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';

/** The contexts an expression may read: github, inputs, matrix, steps, needs, secrets... */
export type Contexts = Record<string, unknown>;

const EXPRESSION = /\$\{\{(.*?)\}\}/gs;

/** Evaluates one expression (the text between `${{` and `}}`). */
export function evaluateExpression(expression: string, contexts: Contexts): data.ExpressionData {
  const lexed = new Lexer(expression.trim()).lex();
  const tree = new Parser(lexed.tokens, Object.keys(contexts), []).parse();
  const context = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
  return new Evaluator(tree, context).evaluate();
}

/**
 * The value a `with:` or `env:` entry gets: each `${{ }}` replaced by its value as text,
 * and YAML scalars (booleans, numbers) as the runner writes them.
 */
export function evaluateValue(value: unknown, contexts: Contexts): string {
  if (typeof value !== 'string') return String(value);
  return value.replace(EXPRESSION, (_, expression: string) =>
    evaluateExpression(expression, contexts).coerceString(),
  );
}

/** Evaluates an `if:` condition; a missing one is true (the runner's `success()`). */
export function evaluateCondition(condition: string | undefined, contexts: Contexts): boolean {
  if (condition === undefined) return true;
  const bare = condition.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  return truthy(evaluateExpression(bare, contexts));
}

/** The expressions written inside a text, e.g. a `run:` script. */
export function expressionsIn(text: string): string[] {
  return [...text.matchAll(EXPRESSION)].map((match) => match[1]!.trim());
}
