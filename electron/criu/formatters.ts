// Numbers from CRIU's images written the way people read them: addresses in hex, IP addresses in
// their usual notation, protections as ls -l shows them, abstract unix names with their @.

export function hex(n: number | bigint): string {
  return `0x${n.toString(16).padStart(12, '0')}`;
}

/** CRIU keeps an IPv4 address as one u32 in network order, read on a little-endian host. */
export function ipv4(words: number[] | undefined): string {
  const v = words?.[0] ?? 0;
  return [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255].join('.');
}

export function ipv6(words: number[] | undefined): string {
  const bytes = Buffer.alloc(16);
  (words ?? []).slice(0, 4).forEach((w, i) => bytes.writeUInt32LE(w >>> 0, i * 4));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // Shorten the longest run of zero groups, as people write addresses.
  const text = groups.join(':');
  const m = /(?:^|:)(0(?::0)+)(?:$|:)/.exec(text);
  return m ? text.replace(m[1]!, '').replace(/:{3,}/, '::') || '::' : text;
}

export function protString(prot: number): string {
  return `${prot & 1 ? 'r' : '-'}${prot & 2 ? 'w' : '-'}${prot & 4 ? 'x' : '-'}`;
}

/** A leading NUL marks an abstract socket, which tools write with an @. */
export function unixName(name: Uint8Array | undefined): string {
  if (!name || name.length === 0) return '(unnamed)';
  const b = Buffer.from(name);
  return b[0] === 0 ? `@${b.subarray(1).toString('utf8')}` : b.toString('utf8');
}
