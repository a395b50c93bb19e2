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
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;

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
  vaddr?: number;
  compat_nr_pages?: number;
  in_parent?: boolean;
  flags?: number;
  nr_pages?: number;
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

export type MessageName =
  'inventory_entry' | 'pstree_entry' | 'pagemap_head' | 'pagemap_entry' | 'core_entry' | 'stats_entry';

const types = new Map<string, protobuf.Type>();

/** Decodes one entry; 64-bit numbers become JS numbers (addresses stay exact below 2^53). */
export function decode<T>(name: MessageName, bytes: Uint8Array): T {
  let type = types.get(name);
  if (!type) {
    type = root.lookupType(name);
    types.set(name, type);
  }
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false }) as T;
}
