// Tables like the docker CLI's (tabwriter: columns padded to the widest cell plus three spaces),
// and `--format`: `json` (one JSON object per line), `table <template>` or a Go-style
// `{{.Field}}` template with the row's fields.
export interface Column<T> {
  header: string;
  /** Field name for --format templates (`{{.Repository}}`). */
  field: string;
  value: (row: T) => string;
}

export function renderTable<T>(rows: T[], columns: Column<T>[]): string {
  const cells = [columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.value(r)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return (
    cells
      .map((row) =>
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] + 3)))
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Fills `{{.Field}}` (and `{{json .Field}}`) from `fields`; `\t` and `\n` escapes are honoured. */
export function renderTemplate(template: string, fields: Record<string, unknown>): string {
  return template
    .replace(/\\t/g, '\t')
    .replace(/\\n/g, '\n')
    .replace(/\{\{\s*(json\s+)?\.(\w+(?:\.\w+)*)\s*\}\}/g, (_m, json: string | undefined, path: string) => {
      let value: unknown = fields;
      for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
      if (json) return JSON.stringify(value ?? null);
      if (value === undefined || value === null) return '<no value>';
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    })
    .replace(/\{\{\s*json\s+\.\s*\}\}/g, () => JSON.stringify(fields));
}

/** Renders rows for `--format` (json | table … | template) or as the default table. */
export function renderRows<T>(
  rows: T[],
  columns: Column<T>[],
  format: string | undefined,
  fieldsOf: (row: T) => Record<string, unknown>,
): string {
  if (format === undefined || format === '' || format === 'table') return renderTable(rows, columns);
  if (format === 'json') return rows.map((r) => JSON.stringify(fieldsOf(r)) + '\n').join('');
  if (format.startsWith('table ')) {
    const template = format.slice(6);
    const headerFields = Object.fromEntries(columns.map((c) => [c.field, c.header]));
    const lines = [
      renderTemplate(template, headerFields),
      ...rows.map((r) => renderTemplate(template, fieldsOf(r))),
    ];
    return alignTabs(lines) + '\n';
  }
  return rows.map((r) => renderTemplate(format, fieldsOf(r)) + '\n').join('');
}

function alignTabs(lines: string[]): string {
  const split = lines.map((l) => l.split('\t'));
  const widths: number[] = [];
  for (const cells of split) cells.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return split
    .map((cells) =>
      cells
        .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] + 3)))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}
