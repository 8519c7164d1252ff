import { InvalidArgumentError } from 'commander';
import { isIsoDate } from '../dates.js';

export function dateOption(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError(`"${value}" is not a date as YYYY-MM-DD.`);
  return value;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`"${value}" is not a positive whole number.`);
  return n;
}
