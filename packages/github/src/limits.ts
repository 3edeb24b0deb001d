/** GitHub refuses a comment body or a check run summary longer than this. */
export const MAX_MARKDOWN_LENGTH = 65535;

const CUT_NOTE = '\n\n… (report cut to fit GitHub’s limit; the full report is in the job log)';

/** Cuts Markdown to GitHub's limit, saying so at the end. */
export function fitMarkdown(text: string, limit = MAX_MARKDOWN_LENGTH): string {
  if (text.length <= limit) return text;
  return text.slice(0, limit - CUT_NOTE.length) + CUT_NOTE;
}
