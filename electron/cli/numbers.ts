// Numbers on the command line are decimal whole numbers, nothing else: "0x3", "3.0", "1e9" and
// " 3" are refused by name, where Number() would quietly take them.
import { StudioError } from '../ipc/errors';

export function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,12}$/.test(value)) {
    throw new StudioError('invalid-argument', `${flag} takes a whole number such as 3, not "${value}"`);
  }
  return Number(value);
}
