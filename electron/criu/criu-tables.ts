// The numbers CRIU's images hold and the names people know them by: CRIU's own flags
// (criu/include/image.h, pagemap.h, images/fdinfo.proto, tty.proto) and the kernel's socket
// values that CRIU copies as they are. Kept apart from the code that formats them, so that a
// value is checked against its source in one place.

export const PAGE_SIZE = 4096;

/** A vma_entry's status bits. */
export const VMA = {
  REGULAR: 1,
  STACK: 1 << 1,
  VSYSCALL: 1 << 2,
  VDSO: 1 << 3,
  HEAP: 1 << 5,
  FILE_PRIVATE: 1 << 6,
  FILE_SHARED: 1 << 7,
  ANON_SHARED: 1 << 8,
  ANON_PRIVATE: 1 << 9,
  SYSVIPC: 1 << 10,
  VVAR: 1 << 12,
};

/** The kernel's mmap flag, as a vma_entry's flags keep it. */
export const MAP_GROWSDOWN = 0x100;

/** A pagemap_entry's flags. */
export const PE = { PARENT: 1, PRESENT: 4 };

export const TASK_STATE: Record<number, string> = {
  1: 'alive',
  2: 'dead',
  3: 'stopped',
  6: 'zombie',
  7: 'helper',
  8: 'thread',
};

export const FD_TYPE: Record<number, string> = {
  1: 'file',
  2: 'pipe',
  3: 'fifo',
  4: 'inet',
  5: 'unix',
  6: 'eventfd',
  7: 'eventpoll',
  8: 'inotify',
  9: 'signalfd',
  10: 'packet',
  11: 'tty',
  12: 'fanotify',
  13: 'netlink',
  14: 'namespace',
  15: 'tun',
  16: 'external',
  17: 'timerfd',
  18: 'memfd',
  19: 'bpfmap',
  20: 'pidfd',
};

export const AF = { INET: 2, INET6: 10 };
export const IPPROTO = { ICMP: 1, TCP: 6, UDP: 17 };

/** TCP's states; unix sockets reuse ESTABLISHED and LISTEN. */
export const SK_STATE: Record<number, string> = {
  1: 'established',
  2: 'syn-sent',
  3: 'syn-recv',
  4: 'fin-wait1',
  5: 'fin-wait2',
  6: 'time-wait',
  7: 'close',
  8: 'close-wait',
  9: 'last-ack',
  10: 'listen',
  11: 'closing',
};
export const TCP_ESTABLISHED = 1;
export const TCP_LISTEN = 10;

export const SK_TYPE: Record<number, string> = { 1: 'stream', 2: 'dgram', 3: 'raw', 5: 'seqpacket' };

export const TTY_TYPE: Record<number, string> = {
  1: 'pty',
  2: 'console',
  3: 'vt',
  4: 'ctty',
  5: 'external tty',
  6: 'serial',
};
