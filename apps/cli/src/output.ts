export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
}

/** Human or machine output on stdout; every command prints through it. */
export interface Output {
  /** One JSON document, pretty-printed. */
  json(value: unknown): void;
  line(text?: string): void;
  /** Rows as an aligned table with a header line. */
  table<T>(rows: readonly T[], columns: readonly Column<T>[], empty: string): void;
  /** One object as aligned `key: value` lines. */
  record(value: object): void;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(String).join(', ');
  return String(value).replace(/\s*\n\s*/g, ' ');
}

export function createOutput(write: (text: string) => void): Output {
  return {
    json(value) {
      write(`${JSON.stringify(value, null, 2)}\n`);
    },
    line(text = '') {
      write(`${text}\n`);
    },
    table(rows, columns, empty) {
      if (rows.length === 0) {
        write(`${empty}\n`);
        return;
      }
      const matrix = [
        columns.map((column) => column.header),
        ...rows.map((row) => columns.map((c) => cell(c.value(row)))),
      ];
      const widths = columns.map((_, index) => Math.max(...matrix.map((line) => (line[index] ?? '').length)));
      for (const line of matrix) {
        write(
          `${line.map((text, index) => (index === line.length - 1 ? text : text.padEnd(widths[index] ?? 0))).join('  ')}\n`,
        );
      }
    },
    record(value) {
      const entries = Object.entries(value);
      const width = Math.max(0, ...entries.map(([key]) => key.length + 1));
      for (const [key, raw] of entries) {
        const text =
          typeof raw === 'string' && raw.trim().includes('\n')
            ? raw.trimEnd().replace(/\n/g, `\n${' '.repeat(width + 1)}`)
            : raw === '' || (Array.isArray(raw) && raw.length === 0)
              ? '-'
              : Array.isArray(raw) || raw === null || typeof raw !== 'object'
                ? cell(raw)
                : JSON.stringify(raw);
        write(`${`${key}:`.padEnd(width)} ${text}\n`);
      }
    },
  };
}
