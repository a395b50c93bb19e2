// Image names as engines accept them, and which registries are plain HTTP without being set up so.
import { StudioError } from '../ipc/errors';

/** What an image reference may look like ([registry[:port]/]path[:tag]), lowercase as engines want. */
const LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const PART = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
export const IMAGE_REF = new RegExp(
  `^(?:${LABEL}(?:\\.${LABEL})*(?::\\d{1,5})?/)?${PART}(?:/${PART})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$`,
);

export function checkRef(ref: string): void {
  if (ref.length > 255 || !IMAGE_REF.test(ref))
    throw new StudioError('invalid-argument', `"${ref}" is not an image name an engine accepts.`, {
      hint: 'Lowercase letters, digits and . _ - in the path, an optional registry host before the first /, and an optional :tag (e.g. 127.0.0.1:5000/team/redis-warm:cp1).',
    });
}

/** Loopback registries are plain HTTP without being configured so, as Docker itself decides. */
export function isLoopbackRegistry(ref: string): boolean {
  const host = ref.split('/')[0] ?? '';
  if (!ref.includes('/') || !/[.:]|^localhost$/.test(host)) return false;
  const name = host.replace(/:\d+$/, '');
  return name === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '[::1]';
}
