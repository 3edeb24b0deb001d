// Loads GitHub's workflow parser. It imports its JSON schema without an import attribute,
// which Node refuses for modules loaded outside Vite's transform (as vitest loads
// node_modules), so a loader hook adds `type: 'json'` to JSON imports first.
import { register } from 'node:module';

const ADD_JSON_ATTRIBUTE = `
export async function load(url, context, nextLoad) {
  if (url.endsWith('.json')) {
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
  }
  return nextLoad(url, context);
}`;

register(`data:text/javascript,${encodeURIComponent(ADD_JSON_ATTRIBUTE)}`);

export const workflowParser = await import('@actions/workflow-parser');
