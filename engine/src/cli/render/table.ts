// Tables like the docker CLI's. The rendering (and `--format`) lives in format.ts; these names stay
// for the verbs that import them.
import { type Column, formatRows, formatValue } from './format';

export { type Column, formatRows as renderRows } from './format';

export function renderTable<T>(rows: T[], columns: Column<T>[]): string {
  return formatRows(rows, columns, undefined);
}

/** One Go-style template over `fields`, without the trailing newline. */
export function renderTemplate(template: string, fields: Record<string, unknown>): string {
  return formatValue(fields, template).slice(0, -1);
}
