// What each open file descriptor of a process is, in words: a path, a pipe, a tty, an eventpoll…
// and, for sockets, their addresses and state. The inspector's files and sockets tables.
import type { SocketInfoT } from '../ipc/contract';
import {
  AF,
  FD_TYPE,
  IPPROTO,
  SK_STATE,
  SK_TYPE,
  TCP_ESTABLISHED,
  TCP_LISTEN,
  TTY_TYPE,
} from './criu-tables';
import { ipv4, ipv6, unixName } from './formatters';
import type { FileEntry, TtyInfoEntry } from './schemas';

export function describeFile(f: FileEntry | undefined, ttys: Map<number, TtyInfoEntry>): string {
  if (!f) return 'unknown';
  if (f.reg) return f.reg.name ?? '(unnamed file)';
  if (f.pipe) return `pipe:[${f.pipe.pipe_id ?? '?'}]`;
  if (f.epfd) return `eventpoll (${f.epfd.tfd?.length ?? 0} watched)`;
  if (f.efd) return `eventfd (counter ${f.efd.counter ?? 0})`;
  if (f.tty) {
    const info = ttys.get(f.tty.tty_info_id ?? -1);
    return info ? `${TTY_TYPE[info.type ?? 0] ?? 'tty'} (rdev ${info.rdev ?? '?'})` : 'tty';
  }
  if (f.nsf) return `namespace ${f.nsf.ns_id ?? '?'}`;
  if (f.isk) return 'socket';
  if (f.usk) return `unix:${unixName(f.usk.name)}`;
  return FD_TYPE[f.type ?? 0] ?? `type ${f.type}`;
}

/** The socket behind a descriptor, or null if it is none. */
export function socketOf(pid: number, fd: number, f: FileEntry): SocketInfoT | null {
  if (f.isk) {
    const k = f.isk;
    const v6 = k.family === AF.INET6;
    const addr = v6 ? ipv6(k.src_addr) : ipv4(k.src_addr);
    const proto =
      k.proto === IPPROTO.TCP
        ? 'tcp'
        : k.proto === IPPROTO.UDP
          ? 'udp'
          : k.proto === IPPROTO.ICMP
            ? 'icmp'
            : `proto ${k.proto}`;
    // UDP has no connection states: CRIU's state field says nothing useful for it.
    const state =
      proto === 'udp' ? (k.dst_port ? 'connected' : 'bound') : (SK_STATE[k.state ?? 0] ?? `state ${k.state}`);
    const remote = k.dst_port ? `${v6 ? `[${ipv6(k.dst_addr)}]` : ipv4(k.dst_addr)}:${k.dst_port}` : null;
    return {
      pid,
      fd,
      family: k.family === AF.INET ? 'inet' : v6 ? 'inet6' : 'other',
      proto,
      state,
      local: `${v6 ? `[${addr}]` : addr}:${k.src_port ?? 0}`,
      remote,
      port: k.src_port ?? null,
    };
  }
  if (f.usk) {
    const u = f.usk;
    return {
      pid,
      fd,
      family: 'unix',
      proto: SK_TYPE[u.type ?? 0] ?? `type ${u.type}`,
      state: u.state === TCP_LISTEN ? 'listen' : u.state === TCP_ESTABLISHED ? 'connected' : 'unconnected',
      local: unixName(u.name) + (u.deleted ? ' (deleted)' : ''),
      remote: u.peer ? `peer inode ${u.peer}` : null,
      port: null,
    };
  }
  return null;
}
