// Decodes the entries of one image. A damaged image is a problem recorded with its file and
// offset and the image read as empty, never an exception: one bad image must not hide what the
// others say.
import { CriuImageError, parseImage, type ParsedImage } from './image-format';
import { decode, type MessageName } from './schemas';

/** One image, split into entries once; each read decodes them as the message it names. */
export class ImageEntries {
  constructor(
    private readonly parsed: ParsedImage,
    private readonly problems: string[],
  ) {}

  /** Every entry from the from-th on (a pagemap's entries follow its head); [] if one does not decode. */
  all<T>(message: MessageName, from = 0): T[] {
    const file = this.parsed.file;
    const out: T[] = [];
    let offset = 0;
    for (const [i, raw] of this.parsed.entries.entries()) {
      if (i < from) continue;
      try {
        out.push(decode<T>(message, raw));
      } catch (e) {
        this.problems.push(
          new CriuImageError(file, offset, `entry ${i} does not decode (${(e as Error).message})`).message,
        );
        return [];
      }
      offset += raw.length + 4;
    }
    return out;
  }

  /** The first entry, or null; like all(), only if every entry decodes as this message. */
  first<T>(message: MessageName): T | null {
    return this.all<T>(message)[0] ?? null;
  }
}

/** The image's entries, or null (the problem recorded) if it is not a CRIU image at all. */
export function readImage(file: string, buf: Buffer, problems: string[]): ImageEntries | null {
  try {
    return new ImageEntries(parseImage(file, buf), problems);
  } catch (e) {
    problems.push(e instanceof CriuImageError ? e.message : `${file}: ${(e as Error).message}`);
    return null;
  }
}
