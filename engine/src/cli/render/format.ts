// `--format` for every listing and inspect verb, the way the docker CLI reads it:
//   (none) | table          the verb's default table
//   json                    one JSON object per row (inspect: the indented array)
//   table <template>        a header row from the columns' titles, then the template per row,
//                           cells aligned on tabs like Go's tabwriter (min width 10, padding 3)
//   <template>              the template per row, one line each (`{{.ID}}`, `{{json .}}`)
// `\t` and `\n` typed literally in a template are a tab and a newline, as in docker.
import type { FlagSpec } from '../args';
import { executeTemplate, parseTemplate, TemplateError } from './template';

export { TemplateError };

export interface Column<T> {
  header: string;
  /** Field name for --format templates (`{{.Repository}}`). */
  field: string;
  value: (row: T) => string;
}

/**
 * Renders rows for `--format`, or as the default table of `columns`. A template sees each column's
 * value under its field, and `moreFields` (fields no column shows, or shows otherwise); `json`
 * prints them in name order, as docker does.
 */
export function formatRows<T>(
  rows: T[],
  columns: Column<T>[],
  format: string | undefined,
  moreFields?: (row: T) => Record<string, unknown>,
): string {
  const fieldsOf = (row: T): Record<string, unknown> => {
    const fields: Record<string, unknown> = {
      ...Object.fromEntries(columns.map((c) => [c.field, c.value(row)])),
      ...moreFields?.(row),
    };
    return Object.fromEntries(
      Object.keys(fields)
        .sort()
        .map((k) => [k, fields[k]]),
    );
  };
  const spec = (format ?? '').trim();
  if (spec === '' || spec === 'table')
    return tabulate([columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.value(r)))]);
  if (spec === 'json') return rows.map((r) => JSON.stringify(fieldsOf(r)) + '\n').join('');
  if (spec.startsWith('table ')) {
    const template = compile(spec.slice(6));
    const headers = Object.fromEntries(columns.map((c) => [c.field, c.header]));
    const lines = [headerLine(template, headers), ...rows.map((r) => executeTemplate(template, fieldsOf(r)))];
    return tabulate(lines.map((l) => l.split('\t')));
  }
  const template = compile(spec);
  return rows.map((r) => executeTemplate(template, fieldsOf(r)) + '\n').join('');
}

/**
 * The `--format` flag of a verb: `table`, `json` or a template for listings, `json` or a template
 * for verbs that print one document per object; `example` names one of the template's fields.
 */
export function formatFlag(example: string, options: { table?: boolean; short?: boolean } = {}): FlagSpec {
  const table = options.table ?? true;
  return {
    name: 'format',
    ...(options.short && { short: 'f' }),
    type: 'string',
    complete: table ? ['json', 'table'] : ['json'],
    description: `Format output: ${table ? 'table, ' : ''}json, or a Go-style template (${example})`,
    value: 'string',
  };
}

/** `inspect --format`: the indented JSON array docker prints, or the template per object. */
export function formatInspect(objects: unknown[], format: string | undefined): string {
  const spec = format ?? '';
  if (spec === '' || spec === 'json') return JSON.stringify(objects, null, 4) + '\n';
  const template = compile(spec);
  return objects.map((o) => executeTemplate(template, o) + '\n').join('');
}

/** One template over one value (`version --format`, `info --format`). */
export function formatValue(value: unknown, format: string): string {
  if (format === 'json') return JSON.stringify(value) + '\n';
  return executeTemplate(compile(format), value) + '\n';
}

/** Rows of cells padded to the column's widest cell plus 3 (at least 10), last cell unpadded. */
export function tabulate(rows: string[][]): string {
  const widths: number[] = [];
  for (const cells of rows)
    cells.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, Math.max(cellWidth(c) + 3, 10))));
  return rows
    .map((cells) =>
      cells
        .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i] - cellWidth(c))))
        .join('')
        .trimEnd(),
    )
    .join('\n')
    .concat(rows.length > 0 ? '\n' : '');
}

function cellWidth(text: string): number {
  return [...text].length;
}

function compile(template: string) {
  try {
    return parseTemplate(template.replace(/\\t/g, '\t').replace(/\\n/g, '\n'));
  } catch (err) {
    if (err instanceof TemplateError) throw new TemplateError(`template parsing error: ${err.message}`);
    throw err;
  }
}

/** The header row: the template over the columns' titles; fields it cannot fill stay blank. */
function headerLine(template: ReturnType<typeof compile>, headers: Record<string, string>): string {
  try {
    return executeTemplate(template, headers).replace(/<no value>/g, '');
  } catch {
    return '';
  }
}
