// Decodes the entries of the images a checkpoint holds. A damaged image is a problem recorded
// with its file and offset and the image read as empty, never an exception: one bad image must
// not hide what the others say.
import { CriuImageError, parseImage } from './image-format';
import { decode, type MessageName } from './schemas';

export class Decoder {
  readonly problems: string[] = [];

  constructor(private readonly images: Map<string, Buffer>) {}

  has(file: string): boolean {
    return this.images.has(file);
  }

  entries<T>(file: string, message: MessageName, skipHead = false): T[] {
    const buf = this.images.get(file);
    if (!buf) return [];
    try {
      const parsed = parseImage(file, buf);
      const out: T[] = [];
      let offset = 0;
      for (const [i, raw] of parsed.entries.entries()) {
        if (skipHead && i === 0) continue;
        try {
          out.push(decode<T>(message, raw));
        } catch (e) {
          throw new CriuImageError(file, offset, `entry ${i} does not decode (${(e as Error).message})`);
        }
        offset += raw.length + 4;
      }
      return out;
    } catch (e) {
      this.problems.push(e instanceof CriuImageError ? e.message : `${file}: ${(e as Error).message}`);
      return [];
    }
  }

  first<T>(file: string, message: MessageName): T | null {
    return this.entries<T>(file, message)[0] ?? null;
  }
}
