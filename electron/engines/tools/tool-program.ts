// The app's own tiny program, run inside throwaway containers on any engine: no image a user has
// can be relied on to hold a shell, `ip` or even `sleep`, and no registry may be reachable. It is
// a static Linux executable of a few hundred bytes, assembled here so nothing binary is checked in:
//
//   cs-tool              sleep forever (the process the capability probe checkpoints)
//   cs-tool tcp          listen on 127.0.0.1 (an ephemeral port), then sleep forever: CRIU must
//                        dump an inet socket, which is what CRIU 4.1 cannot do
//   cs-tool lo           bring the loopback interface of the current network namespace up;
//                        exit 0 if it was up, 3 if it was down and is now up, 1 if that failed
//
// Run with `NetworkMode: container:<id>` and CAP_NET_ADMIN, `lo` repairs a restored container
// whose loopback came back down (Podman 5 with no network does that).

export type ToolArch = 'x86_64' | 'aarch64';

/** Engine architecture names (Docker says x86_64, Podman amd64) to the ones we can assemble. */
export function toolArch(engineArch: string): ToolArch | null {
  const a = engineArch.toLowerCase();
  if (a === 'x86_64' || a === 'amd64') return 'x86_64';
  if (a === 'aarch64' || a === 'arm64') return 'aarch64';
  return null;
}

/** Exit codes of `cs-tool lo`. */
export const LO_WAS_UP = 0;
export const LO_BROUGHT_UP = 3;
export const LO_FAILED = 1;

const SIOCGIFFLAGS = 0x8913;
const SIOCSIFFLAGS = 0x8914;
const AF_INET = 2;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;

/** Bytes with labels and short relative jumps resolved at the end. */
class Assembler {
  readonly bytes: number[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixups: { at: number; label: string; encode: (from: number, to: number) => number[] }[] =
    [];

  emit(...b: number[]): void {
    this.bytes.push(...b);
  }

  label(name: string): void {
    this.labels.set(name, this.bytes.length);
  }

  /** Reserves `size` bytes at the current position, filled once `label` is known. */
  ref(label: string, size: number, encode: (from: number, to: number) => number[]): void {
    this.fixups.push({ at: this.bytes.length, label, encode });
    for (let i = 0; i < size; i++) this.bytes.push(0);
  }

  finish(): Buffer {
    for (const f of this.fixups) {
      const to = this.labels.get(f.label);
      if (to === undefined) throw new Error(`undefined label ${f.label}`);
      f.encode(f.at, to).forEach((b, i) => (this.bytes[f.at + i] = b));
    }
    return Buffer.from(this.bytes);
  }
}

const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

// ---- x86-64 ----

function x86(): Buffer {
  const a = new Assembler();
  /** A short jump (opcode, rel8) to a label. */
  const j = (opcode: number, label: string) => {
    a.emit(opcode);
    a.ref(label, 1, (at, to) => {
      const rel = to - (at + 1);
      if (rel < -128 || rel > 127) throw new Error(`jump to ${label} out of range`);
      return [rel & 0xff];
    });
  };
  const movEdi = (n: number) => a.emit(0xbf, ...u32(n));
  const movEsi = (n: number) => a.emit(0xbe, ...u32(n));
  const movEdx = (n: number) => a.emit(0xba, ...u32(n));
  const movEax = (n: number) => a.emit(0xb8, ...u32(n));
  const syscall = () => a.emit(0x0f, 0x05);
  const movRdiR12 = () => a.emit(0x4c, 0x89, 0xe7);
  const testRax = () => a.emit(0x48, 0x85, 0xc0);
  const socket = (type: number) => {
    movEdi(AF_INET);
    movEsi(type);
    a.emit(0x31, 0xd2); // xor edx, edx
    movEax(41); // socket
    syscall();
    a.emit(0x49, 0x89, 0xc4); // mov r12, rax
  };
  const ioctlIfreq = (request: number) => {
    movRdiR12();
    movEsi(request);
    a.emit(0x48, 0x89, 0xe2); // mov rdx, rsp
    movEax(16); // ioctl
    syscall();
  };

  a.emit(0x48, 0x8b, 0x04, 0x24); // mov rax, [rsp]        ; argc
  a.emit(0x48, 0x83, 0xf8, 0x01); // cmp rax, 1
  j(0x7e, 'idle'); //                 jle idle
  a.emit(0x48, 0x8b, 0x74, 0x24, 0x10); // mov rsi, [rsp+16] ; argv[1]
  a.emit(0x0f, 0xb6, 0x06); //        movzx eax, byte [rsi]
  a.emit(0x3c, 0x6c); //              cmp al, 'l'
  j(0x74, 'lo'); //                   je lo
  a.emit(0x3c, 0x74); //              cmp al, 't'
  j(0x75, 'idle'); //                 jne idle

  // tcp: socket, bind 127.0.0.1:0, listen; a failure only means no socket to dump.
  socket(SOCK_STREAM);
  a.emit(0x6a, 0x00); //              push 0                 ; sin_zero
  a.emit(0x48, 0xb8, 0x02, 0x00, 0x00, 0x00, 0x7f, 0x00, 0x00, 0x01); // mov rax, AF_INET|port 0|127.0.0.1
  a.emit(0x50); //                    push rax
  movRdiR12();
  a.emit(0x48, 0x89, 0xe6); //        mov rsi, rsp
  movEdx(16);
  movEax(49); // bind
  syscall();
  testRax();
  j(0x75, 'idle');
  movRdiR12();
  movEsi(16);
  movEax(50); // listen
  syscall();

  a.label('idle');
  a.emit(0x6a, 0x00); //              push 0                 ; tv_nsec
  a.emit(0x6a, 0x01); //              push 1                 ; tv_sec
  a.label('sleep');
  a.emit(0x48, 0x89, 0xe7); //        mov rdi, rsp
  a.emit(0x31, 0xf6); //              xor esi, esi
  movEax(35); // nanosleep
  syscall();
  j(0xeb, 'sleep');

  // lo: struct ifreq (40 bytes) on the stack, name "lo", flags at offset 16.
  a.label('lo');
  socket(SOCK_DGRAM);
  a.emit(0x31, 0xc0); //              xor eax, eax
  a.emit(0x50, 0x50, 0x50, 0x50, 0x50); // push rax ×5
  a.emit(0x66, 0xc7, 0x04, 0x24, 0x6c, 0x6f); // mov word [rsp], "lo"
  ioctlIfreq(SIOCGIFFLAGS);
  testRax();
  j(0x75, 'fail');
  a.emit(0xf6, 0x44, 0x24, 0x10, 0x01); // test byte [rsp+16], IFF_UP
  j(0x75, 'wasup');
  a.emit(0x80, 0x4c, 0x24, 0x10, 0x01); // or byte [rsp+16], IFF_UP
  ioctlIfreq(SIOCSIFFLAGS);
  testRax();
  j(0x75, 'fail');
  movEdi(LO_BROUGHT_UP);
  j(0xeb, 'exit');
  a.label('wasup');
  movEdi(LO_WAS_UP);
  j(0xeb, 'exit');
  a.label('fail');
  movEdi(LO_FAILED);
  a.label('exit');
  movEax(231); // exit_group
  syscall();
  return a.finish();
}

// ---- AArch64 (every instruction one little-endian word) ----

function arm64(): Buffer {
  const a = new Assembler();
  const w = (insn: number) => a.emit(...u32(insn >>> 0));
  const X19 = 19;
  const SP = 31;
  const XZR = 31;
  /** movz xd, #imm16, lsl #shift */
  const movz = (d: number, imm: number, shift = 0) =>
    w(0xd2800000 | ((shift / 16) << 21) | ((imm & 0xffff) << 5) | d);
  /** movk xd, #imm16, lsl #shift */
  const movk = (d: number, imm: number, shift: number) =>
    w(0xf2800000 | ((shift / 16) << 21) | ((imm & 0xffff) << 5) | d);
  /** mov xd, xm (orr xd, xzr, xm) */
  const movReg = (d: number, m: number) => w(0xaa0003e0 | (m << 16) | d);
  /** add xd, sp, #0 — the only way to copy sp */
  const movFromSp = (d: number) => w(0x910003e0 | d);
  /** sub sp, sp, #imm */
  const subSp = (imm: number) => w(0xd10003ff | (imm << 10));
  /** ldr xt, [xn, #imm] (imm a multiple of 8) */
  const ldrX = (t: number, n: number, imm: number) => w(0xf9400000 | ((imm / 8) << 10) | (n << 5) | t);
  /** str xt, [xn, #imm] */
  const strX = (t: number, n: number, imm: number) => w(0xf9000000 | ((imm / 8) << 10) | (n << 5) | t);
  /** ldrb wt, [xn] */
  const ldrb = (t: number, n: number) => w(0x39400000 | (n << 5) | t);
  /** ldrh wt, [xn, #imm] / strh */
  const ldrh = (t: number, n: number, imm: number) => w(0x79400000 | ((imm / 2) << 10) | (n << 5) | t);
  const strh = (t: number, n: number, imm: number) => w(0x79000000 | ((imm / 2) << 10) | (n << 5) | t);
  /** cmp xn, #imm (subs xzr, xn, #imm) */
  const cmpImm = (n: number, imm: number) => w(0xf100001f | (imm << 10) | (n << 5));
  /** orr wd, wn, wm */
  const orrW = (d: number, n: number, m: number) => w(0x2a000000 | (m << 16) | (n << 5) | d);
  const svc = () => w(0xd4000001);
  const branch = (label: string, encode: (rel: number) => number) =>
    a.ref(label, 4, (at, to) => u32(encode((to - at) / 4) >>> 0));
  const bCond = (cond: number, label: string) =>
    branch(label, (rel) => 0x54000000 | ((rel & 0x7ffff) << 5) | cond);
  const b = (label: string) => branch(label, (rel) => 0x14000000 | (rel & 0x3ffffff));
  const cbnz = (t: number, label: string) => branch(label, (rel) => 0xb5000000 | ((rel & 0x7ffff) << 5) | t);
  /** tbnz wt, #bit, label */
  const tbnz = (t: number, bit: number, label: string) =>
    branch(label, (rel) => 0x37000000 | (bit << 19) | ((rel & 0x3fff) << 5) | t);
  const EQ = 0;
  const NE = 1;
  const LE = 13;
  const sys = (nr: number) => {
    movz(8, nr);
    svc();
  };
  const socket = (type: number) => {
    movz(0, AF_INET);
    movz(1, type);
    movz(2, 0);
    sys(198);
    movReg(X19, 0);
  };
  const ioctlIfreq = (request: number) => {
    movReg(0, X19);
    movz(1, request);
    movFromSp(2);
    sys(29);
  };

  ldrX(0, SP, 0); //                 argc
  cmpImm(0, 1);
  bCond(LE, 'idle');
  ldrX(1, SP, 16); //                argv[1]
  ldrb(2, 1);
  cmpImm(2, 0x6c); //                'l' (cmp on x2; the byte was zero-extended)
  bCond(EQ, 'lo');
  cmpImm(2, 0x74); //                't'
  bCond(NE, 'idle');

  socket(SOCK_STREAM);
  subSp(16);
  movz(3, 0x0002); //                AF_INET, port 0
  movk(3, 0x007f, 32); //            127.0.0.1 in network order: 7f 00 00 01
  movk(3, 0x0100, 48);
  strX(3, SP, 0);
  strX(XZR, SP, 8);
  movReg(0, X19);
  movFromSp(1);
  movz(2, 16);
  sys(200); //                       bind
  cbnz(0, 'idle');
  movReg(0, X19);
  movz(1, 16);
  sys(201); //                       listen

  a.label('idle');
  subSp(16);
  movz(3, 1);
  strX(3, SP, 0); //                 tv_sec = 1
  strX(XZR, SP, 8); //               tv_nsec = 0
  a.label('sleep');
  movFromSp(0);
  movz(1, 0);
  sys(101); //                       nanosleep
  b('sleep');

  a.label('lo');
  socket(SOCK_DGRAM);
  subSp(48);
  for (const off of [0, 8, 16, 24, 32, 40]) strX(XZR, SP, off);
  movz(3, 0x6f6c); //                "lo"
  strh(3, SP, 0);
  ioctlIfreq(SIOCGIFFLAGS);
  cbnz(0, 'fail');
  ldrh(3, SP, 16);
  tbnz(3, 0, 'wasup');
  movz(4, 1);
  orrW(3, 3, 4);
  strh(3, SP, 16);
  ioctlIfreq(SIOCSIFFLAGS);
  cbnz(0, 'fail');
  movz(0, LO_BROUGHT_UP);
  b('exit');
  a.label('wasup');
  movz(0, LO_WAS_UP);
  b('exit');
  a.label('fail');
  movz(0, LO_FAILED);
  a.label('exit');
  sys(94); //                        exit_group
  return a.finish();
}

const BASE = 0x400000;
const EHDR = 64;
const PHDR = 56;

/** A minimal static ELF64 executable: one read+execute PT_LOAD holding everything, no stack exec. */
function elf(machine: number, code: Buffer): Buffer {
  const headers = EHDR + 2 * PHDR;
  const size = headers + code.length;
  const out = Buffer.alloc(size);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0); // \x7fELF, 64-bit, little-endian, v1, SysV
  out.writeUInt16LE(2, 16); // ET_EXEC
  out.writeUInt16LE(machine, 18);
  out.writeUInt32LE(1, 20);
  out.writeBigUInt64LE(BigInt(BASE + headers), 24); // entry
  out.writeBigUInt64LE(BigInt(EHDR), 32); // phoff
  out.writeUInt16LE(EHDR, 52);
  out.writeUInt16LE(PHDR, 54);
  out.writeUInt16LE(2, 56); // phnum
  let p = EHDR;
  out.writeUInt32LE(1, p); // PT_LOAD
  out.writeUInt32LE(5, p + 4); // R+X
  out.writeBigUInt64LE(0n, p + 8);
  out.writeBigUInt64LE(BigInt(BASE), p + 16);
  out.writeBigUInt64LE(BigInt(BASE), p + 24);
  out.writeBigUInt64LE(BigInt(size), p + 32);
  out.writeBigUInt64LE(BigInt(size), p + 40);
  out.writeBigUInt64LE(0x1000n, p + 48);
  p += PHDR;
  out.writeUInt32LE(0x6474e551, p); // PT_GNU_STACK
  out.writeUInt32LE(6, p + 4); // R+W, not X
  code.copy(out, headers);
  return out;
}

const cache = new Map<ToolArch, Buffer>();

/** The executable for an architecture. */
export function toolProgram(arch: ToolArch): Buffer {
  let bin = cache.get(arch);
  if (!bin) {
    bin = arch === 'x86_64' ? elf(0x3e, x86()) : elf(0xb7, arm64());
    cache.set(arch, bin);
  }
  return bin;
}
