export type Severity = 'error' | 'warning' | 'info';

/** Something a load set aside (error) or noticed (warning, info). `column` is a CSV column or a JSON path. */
export interface LoadIssue {
  severity: Severity;
  code: string;
  file?: string;
  line?: number;
  column?: string;
  customerId?: string;
  message: string;
}

export function describeIssue(i: LoadIssue): string {
  const where = [
    i.file,
    i.line !== undefined ? `line ${i.line}` : undefined,
    i.column ? `column "${i.column}"` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return `${i.severity}: ${where ? `${where}: ` : ''}${i.message}`;
}
