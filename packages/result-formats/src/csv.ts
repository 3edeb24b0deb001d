import { problemAtLine } from './problems.js';

export interface CsvRow {
  /** Line number in the file, counting from 1. */
  line: number;
  cells: string[];
}

/**
 * Splits CSV text into rows of cells: comma-separated, fields optionally in double quotes
 * (`""` inside quotes is a quote, so `"1,234.5"` is one cell). Blank lines are skipped.
 * A quoted field may not span lines: benchmark tools never write one.
 */
export function readCsv(text: string, source: string): CsvRow[] {
  const rows: CsvRow[] = [];
  text.split(/\r?\n/).forEach((content, index) => {
    if (content.trim() === '') return;
    rows.push({ line: index + 1, cells: splitCsvLine(content, source, index + 1) });
  });
  return rows;
}

function splitCsvLine(content: string, source: string, line: number): string[] {
  const cells: string[] = [];
  let position = 0;
  for (;;) {
    let cell: string;
    if (content[position] === '"') {
      const match = /^"((?:[^"]|"")*)"/.exec(content.slice(position));
      if (!match) throw problemAtLine(source, line, `unclosed quote in ${JSON.stringify(content)}`);
      cell = (match[1] ?? '').replaceAll('""', '"');
      position += match[0].length;
    } else {
      const end = content.indexOf(',', position);
      cell = content.slice(position, end < 0 ? content.length : end);
      position += cell.length;
    }
    cells.push(cell.trim());
    if (position >= content.length) return cells;
    if (content[position] !== ',') {
      throw problemAtLine(
        source,
        line,
        `expected a comma after a quoted field in ${JSON.stringify(content)}`,
      );
    }
    position += 1;
  }
}
