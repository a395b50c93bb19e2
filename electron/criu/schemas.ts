// Our own protobuf definitions for the CRIU image entries Checkpoint Studio reads. Field numbers
// follow CRIU's image format; every field is optional here so that a newer or older CRIU that
// adds or drops fields still decodes.
import protobuf from 'protobufjs';

const PROTO = `
syntax = "proto2";

message inventory_entry {
  optional uint32 img_version = 1;
  optional bool fdinfo_per_id = 2;
  optional bool ns_per_id = 4;
  optional uint32 lsmtype = 6;
  optional uint64 dump_uptime = 8;
  optional uint32 pre_dump_mode = 9;
  optional bool tcp_close = 10;
  optional uint32 network_lock_method = 11;
  optional string dump_criu_run_id = 13;
}

message pstree_entry {
  optional uint32 pid = 1;
  optional uint32 ppid = 2;
  optional uint32 pgid = 3;
  optional uint32 sid = 4;
  repeated uint32 threads = 5;
}

message pagemap_head {
  optional uint32 pages_id = 1;
}

message pagemap_entry {
  optional uint64 vaddr = 1;
  optional uint32 compat_nr_pages = 2;
  optional bool in_parent = 3;
  optional uint32 flags = 4;
  optional uint64 nr_pages = 5;
}

message task_core_entry {
  optional uint32 task_state = 1;
  optional uint32 exit_code = 2;
  optional uint32 personality = 3;
  optional uint32 flags = 4;
  optional string comm = 6;
  optional int32 oom_score_adj = 14;
}

message thread_core_entry {
  optional string comm = 13;
}

message core_entry {
  optional uint32 mtype = 1;
  optional task_core_entry tc = 3;
  optional thread_core_entry thread_core = 5;
}

message dump_stats_entry {
  optional uint32 freezing_time = 1;
  optional uint32 frozen_time = 2;
  optional uint32 memdump_time = 3;
  optional uint32 memwrite_time = 4;
  optional uint64 pages_scanned = 5;
  optional uint64 pages_skipped_parent = 6;
  optional uint64 pages_written = 7;
  optional uint32 irmap_resolve = 8;
  optional uint64 pages_lazy = 9;
  optional uint64 page_pipes = 10;
  optional uint64 page_pipe_bufs = 11;
}

message restore_stats_entry {
  optional uint64 pages_compared = 1;
  optional uint64 pages_skipped_cow = 2;
  optional uint32 forking_time = 3;
  optional uint32 restore_time = 4;
  optional uint64 pages_restored = 5;
}

message stats_entry {
  optional dump_stats_entry dump = 1;
  optional restore_stats_entry restore = 2;
}

message task_kobj_ids_entry {
  optional uint32 vm_id = 1;
  optional uint32 files_id = 2;
  optional uint32 fs_id = 3;
  optional uint32 sighand_id = 4;
  optional uint32 pid_ns_id = 5;
  optional uint32 net_ns_id = 6;
  optional uint32 ipc_ns_id = 7;
  optional uint32 uts_ns_id = 8;
  optional uint32 mnt_ns_id = 9;
}

message vma_entry {
  optional uint64 start = 1;
  optional uint64 end = 2;
  optional uint64 pgoff = 3;
  optional uint64 shmid = 4;
  optional uint32 prot = 5;
  optional uint32 flags = 6;
  optional uint32 status = 7;
}

message mm_entry {
  optional uint64 mm_start_code = 1;
  optional uint64 mm_end_code = 2;
  optional uint64 mm_start_data = 3;
  optional uint64 mm_end_data = 4;
  optional uint64 mm_start_stack = 5;
  optional uint64 mm_start_brk = 6;
  optional uint64 mm_brk = 7;
  optional uint32 exe_file_id = 12;
  repeated vma_entry vmas = 14;
}

message fs_entry {
  optional uint32 cwd_id = 1;
  optional uint32 root_id = 2;
  optional uint32 umask = 3;
}

message fdinfo_entry {
  optional uint32 id = 1;
  optional uint32 flags = 2;
  optional uint32 type = 3;
  optional uint32 fd = 4;
}

message reg_file_entry {
  optional uint32 id = 1;
  optional uint32 flags = 2;
  optional uint64 pos = 3;
  optional string name = 6;
  optional sint32 mnt_id = 7;
  optional uint64 size = 8;
  optional uint32 mode = 10;
}

message inet_sk_entry {
  optional uint32 id = 1;
  optional uint32 ino = 2;
  optional uint32 family = 3;
  optional uint32 type = 4;
  optional uint32 proto = 5;
  optional uint32 state = 6;
  optional uint32 src_port = 7;
  optional uint32 dst_port = 8;
  optional uint32 backlog = 10;
  repeated uint32 src_addr = 11;
  repeated uint32 dst_addr = 12;
}

message unix_sk_entry {
  optional uint32 id = 1;
  optional uint32 ino = 2;
  optional uint32 type = 3;
  optional uint32 state = 4;
  optional uint32 backlog = 7;
  optional uint32 peer = 8;
  optional bytes name = 11;
  optional string name_dir = 14;
  optional bool deleted = 15;
}

message pipe_entry {
  optional uint32 id = 1;
  optional uint32 pipe_id = 2;
  optional uint32 flags = 3;
}

message eventpoll_tfd_entry {
  optional uint32 id = 1;
  optional uint32 tfd = 2;
  optional uint32 events = 3;
}

message eventpoll_file_entry {
  optional uint32 id = 1;
  optional uint32 flags = 2;
  repeated eventpoll_tfd_entry tfd = 4;
}

message eventfd_file_entry {
  optional uint32 id = 1;
  optional uint32 flags = 2;
  optional uint64 counter = 4;
}

message tty_file_entry {
  optional uint32 id = 1;
  optional uint32 tty_info_id = 2;
  optional uint32 flags = 3;
}

message tty_info_entry {
  optional uint32 id = 1;
  optional uint32 type = 2;
  optional uint32 sid = 6;
  optional uint32 pgrp = 7;
  optional uint32 rdev = 8;
}

message ns_file_entry {
  optional uint32 id = 1;
  optional uint32 ns_id = 2;
  optional uint32 ns_cflag = 3;
}

message file_entry {
  optional uint32 type = 1;
  optional uint32 id = 2;
  optional reg_file_entry reg = 3;
  optional inet_sk_entry isk = 4;
  optional ns_file_entry nsf = 5;
  optional eventfd_file_entry efd = 8;
  optional eventpoll_file_entry epfd = 9;
  optional unix_sk_entry usk = 16;
  optional pipe_entry pipe = 18;
  optional tty_file_entry tty = 19;
}
`;

// Parsed by the first decode: ~10 ms that every start of the CLI paid, inspecting or not.
let root: protobuf.Root | null = null;

export interface InventoryEntry {
  img_version?: number;
  dump_uptime?: number;
  pre_dump_mode?: number;
  tcp_close?: boolean;
  dump_criu_run_id?: string;
}
export interface PstreeEntry {
  pid?: number;
  ppid?: number;
  pgid?: number;
  sid?: number;
  threads?: number[];
}
export interface PagemapHead {
  pages_id?: number;
}
export interface PagemapEntry {
  vaddr?: number | string;
  compat_nr_pages?: number;
  in_parent?: boolean;
  flags?: number;
  nr_pages?: number | string;
}
export interface CoreEntry {
  mtype?: number;
  tc?: { task_state?: number; exit_code?: number; comm?: string; flags?: number; oom_score_adj?: number };
  thread_core?: { comm?: string };
}
export interface DumpStats {
  freezing_time?: number;
  frozen_time?: number;
  memdump_time?: number;
  memwrite_time?: number;
  pages_scanned?: number;
  pages_skipped_parent?: number;
  pages_written?: number;
  pages_lazy?: number;
}
export interface RestoreStats {
  pages_compared?: number;
  pages_skipped_cow?: number;
  forking_time?: number;
  restore_time?: number;
  pages_restored?: number;
}
export interface StatsEntry {
  dump?: DumpStats;
  restore?: RestoreStats;
}

export interface KobjIds {
  vm_id?: number;
  files_id?: number;
  fs_id?: number;
  pid_ns_id?: number;
  net_ns_id?: number;
  mnt_ns_id?: number;
}
export interface VmaEntry {
  start?: number | string;
  end?: number | string;
  pgoff?: number | string;
  shmid?: number | string;
  prot?: number;
  flags?: number;
  status?: number;
}
export interface MmEntry {
  mm_start_code?: number | string;
  mm_end_code?: number | string;
  mm_start_stack?: number | string;
  mm_start_brk?: number | string;
  mm_brk?: number | string;
  exe_file_id?: number;
  vmas?: VmaEntry[];
}
export interface FsEntry {
  cwd_id?: number;
  root_id?: number;
  umask?: number;
}
export interface FdinfoEntry {
  id?: number;
  flags?: number;
  type?: number;
  fd?: number;
}
export interface FileEntry {
  type?: number;
  id?: number;
  reg?: { id?: number; flags?: number; pos?: number; name?: string; size?: number; mode?: number };
  isk?: {
    id?: number;
    ino?: number;
    family?: number;
    type?: number;
    proto?: number;
    state?: number;
    src_port?: number;
    dst_port?: number;
    backlog?: number;
    src_addr?: number[];
    dst_addr?: number[];
  };
  nsf?: { id?: number; ns_id?: number; ns_cflag?: number };
  efd?: { id?: number; counter?: number };
  epfd?: { id?: number; tfd?: { tfd?: number; events?: number }[] };
  usk?: {
    id?: number;
    ino?: number;
    type?: number;
    state?: number;
    backlog?: number;
    peer?: number;
    name?: Uint8Array;
    name_dir?: string;
    deleted?: boolean;
  };
  pipe?: { id?: number; pipe_id?: number; flags?: number };
  tty?: { id?: number; tty_info_id?: number; flags?: number };
}
export interface TtyInfoEntry {
  id?: number;
  type?: number;
  sid?: number;
  pgrp?: number;
  rdev?: number;
}

export type MessageName =
  | 'inventory_entry'
  | 'pstree_entry'
  | 'pagemap_head'
  | 'pagemap_entry'
  | 'core_entry'
  | 'stats_entry'
  | 'task_kobj_ids_entry'
  | 'mm_entry'
  | 'fs_entry'
  | 'fdinfo_entry'
  | 'file_entry'
  | 'tty_info_entry';

const types = new Map<string, protobuf.Type>();

/** Messages holding addresses: their 64-bit fields are kept as decimal strings, exact to the last bit. */
const EXACT_64 = new Set<MessageName>(['mm_entry', 'pagemap_entry']);

/** Decodes one entry; 64-bit numbers become JS numbers, except addresses (see EXACT_64). */
export function decode<T>(name: MessageName, bytes: Uint8Array): T {
  let type = types.get(name);
  if (!type) {
    root ??= protobuf.parse(PROTO, { keepCase: true }).root;
    type = root.lookupType(name);
    types.set(name, type);
  }
  return type.toObject(type.decode(bytes), {
    longs: EXACT_64.has(name) ? String : Number,
    bytes: Buffer,
    defaults: false,
  }) as T;
}

/** An address field as an exact bigint, whichever way it was decoded. */
export function addr(v: number | string | undefined): bigint {
  return v === undefined ? 0n : BigInt(v);
}
