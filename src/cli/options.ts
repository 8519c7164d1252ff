import { InvalidArgumentError } from 'commander';
import { isIsoDate } from '../dates.js';

export function dateOption(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError(`"${value}" is not a date as YYYY-MM-DD.`);
  return value;
}
