// CRIU's image files as CRIU names them (criu/include/image-desc.h, magic.h), named once for the
// app: the inspector, the engine-side reader and the archive code all find images by these names,
// and a name spelt differently in one of them would silently make an image "absent".

/** Every image but the inventory starts with one of these before its own magic. */
export const IMG_COMMON_MAGIC = 0x54564319;
export const IMG_SERVICE_MAGIC = 0x55105940;

/**
 * Some kinds' own magic. The inventory's matters most: it has no common magic before it, so an
 * image is known to be CRIU's only by this or one of the two above.
 */
export const MAGIC = {
  INVENTORY: 0x58313116,
  PSTREE: 0x50273030,
  PAGEMAP: 0x56084025,
  CORE: 0x55053847,
  STATS: 0x57093306,
} as const;

/** The images shared by the whole checkpoint. */
export const INVENTORY = 'inventory.img';
export const PSTREE = 'pstree.img';
export const FILES = 'files.img';
export const TTY_INFO = 'tty-info.img';
/** CRIU's statistics: not an .img, and kept beside the images by Podman only. */
export const STATS_DUMP = 'stats-dump';

/** Images of one process, by its pid. */
export const coreFile = (pid: number): string => `core-${pid}.img`;
export const idsFile = (pid: number): string => `ids-${pid}.img`;
export const mmFile = (pid: number): string => `mm-${pid}.img`;
export const fsFile = (pid: number): string => `fs-${pid}.img`;
export const pagemapFile = (pid: number): string => `pagemap-${pid}.img`;
/** By the files table's id (ids-PID.img's files_id), which processes may share. */
export const fdinfoFile = (filesId: number): string => `fdinfo-${filesId}.img`;
/** By the pages id of a pagemap's head: the raw pages, never decoded. */
export const pagesFile = (pagesId: number): string => `pages-${pagesId}.img`;

export function isPagesFile(name: string): boolean {
  return /^pages-\d+\.img$/.test(name);
}

/** The images the inspector decodes, by kind; every other image is only listed. */
export type ImageKind =
  | 'inventory'
  | 'pstree'
  | 'files'
  | 'tty-info'
  | 'stats'
  | 'core'
  | 'ids'
  | 'mm'
  | 'fs'
  | 'pagemap'
  | 'fdinfo';

const SHARED_KINDS = new Map<string, ImageKind>([
  [INVENTORY, 'inventory'],
  [PSTREE, 'pstree'],
  [FILES, 'files'],
  [TTY_INFO, 'tty-info'],
  [STATS_DUMP, 'stats'],
]);
const NUMBERED = /^(core|ids|mm|fs|pagemap|fdinfo)-\d+\.img$/;

/** The kind of an image the inspector decodes, or null for one it only lists. */
export function imageKind(name: string): ImageKind | null {
  return SHARED_KINDS.get(name) ?? (NUMBERED.exec(name)?.[1] as ImageKind | undefined) ?? null;
}
