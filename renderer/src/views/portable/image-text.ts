// Words and rules for checkpoint images in the views (the main process checks names again).

const PART = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** A name the engine will take: lowercase, from the container's and the checkpoint's names. */
export function defaultImageName(container: string, checkpoint: string): string {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'checkpoint';
  const tag =
    checkpoint
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^[^A-Za-z0-9_]+/, '')
      .slice(0, 128) || 'latest';
  return `checkpoints/${clean(container)}:${tag}`;
}

/** What is wrong with an image name, or null. */
export function imageNameProblem(ref: string): string | null {
  if (!ref) return 'An image needs a name.';
  if (ref.length > 255) return 'At most 255 characters.';
  const slash = ref.indexOf('/');
  const first = slash > 0 ? ref.slice(0, slash) : '';
  const hasHost = /[.:]/.test(first) || first === 'localhost';
  const rest = hasHost ? ref.slice(slash + 1) : ref;
  const colon = rest.lastIndexOf(':');
  const path = colon >= 0 ? rest.slice(0, colon) : rest;
  const tag = colon >= 0 ? rest.slice(colon + 1) : null;
  if (hasHost && !/^[a-z0-9.-]+(:\d{1,5})?$/.test(first)) return `“${first}” is not a registry address.`;
  if (!path.split('/').every((p) => PART.test(p)))
    return 'Lowercase letters, digits and . _ - between slashes (e.g. team/redis-warm:cp1).';
  if (tag !== null && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) return `“${tag}” is not a tag.`;
  return null;
}
