#!/usr/bin/env bash
# The project's private container test bed: CRIU 4.2 built from source, a private containerd and
# one or more private experimental dockerd instances, each on its own socket and data root, and
# locally built test images. Never touches the machine's default Docker socket.
#
#   testbed/testbed.sh up [ENGINE...]   install what is missing, start engines (default: a), import images;
#                                       an engine named "plain" runs without --experimental, for tests of that;
#                                       one named "podman" is a private Podman API service instead of dockerd;
#                                       d26, d28 (Docker 26.1, 28.5), p54, p58 (Podman 5.4, 5.8) and p54old
#                                       (Podman 5.4 with trixie's own CRIU 4.1.1) run in Debian 13 / sid
#                                       roots of their own (see roots.sh); h1 and h2 are test hosts, each
#                                       in its own network namespace with sshd and TLS (see hosts.sh)
#   testbed/testbed.sh shape HOST RATE  rate-limit a host's link (e.g. 100mbit; "off" to clear)
#   testbed/testbed.sh link HOST up|down  cut a host's link or put it back
#   testbed/testbed.sh down             stop every test-bed daemon (data is kept)
#   testbed/testbed.sh status           what runs, one line each
#   testbed/testbed.sh env              print the variables tests use (sourceable)
#
# Idempotent: a second `up` installs nothing, rebuilds nothing and restarts nothing that is healthy.
set -euo pipefail

CRIU_VERSION="${CS_CRIU_VERSION:-4.2.1}"
IMAGE_REV=3
CACHE="${CHECKPOINT_STUDIO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/checkpoint-studio}"
RUN=/run/checkpoint-studio-testbed
DATA=/var/lib/checkpoint-studio-testbed
DOCKER_CLI=/usr/bin/docker
CRIU_LINK=/usr/local/sbin/criu
CTRD_SOCK="$RUN/containerd/containerd.sock"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=testbed/roots.sh
. "$HERE/roots.sh"
# shellcheck source=testbed/hosts.sh
. "$HERE/hosts.sh"

say() { printf 'testbed: %s\n' "$*"; }
die() { printf 'testbed: cannot continue: %s\n' "$*" >&2; exit 2; }

preflight() {
  [ "$(uname -s)" = Linux ] || die "this test bed needs Linux (CRIU is Linux-only); found $(uname -s)."
  [ "$(id -u)" = 0 ] || die "run as root (sudo npm test): dockerd, containerd and CRIU need root. Rootless engines cannot checkpoint."
  local id="" version_id=""
  # shellcheck disable=SC1091
  [ -r /etc/os-release ] && . /etc/os-release && id="${ID:-}" && version_id="${VERSION_ID:-}"
  [ "$id" = debian ] || die "the provisioning script knows Debian (12, bookworm) only; found '${id:-unknown}'. Install docker.io, chromium and CRIU ${CRIU_VERSION} yourself, or run on Debian 12."
  [ "$version_id" = 12 ] || say "warning: tested on Debian 12, this is Debian ${version_id:-?}"
  command -v apt-get >/dev/null || die "apt-get is missing."
  local cfg=""
  if [ -r /proc/config.gz ]; then cfg=$(zcat /proc/config.gz)
  elif [ -r "/boot/config-$(uname -r)" ]; then cfg=$(cat "/boot/config-$(uname -r)"); fi
  if [ -n "$cfg" ]; then
    grep -q '^CONFIG_CHECKPOINT_RESTORE=y' <<<"$cfg" \
      || die "the kernel lacks CONFIG_CHECKPOINT_RESTORE: CRIU cannot work. Boot a kernel built with it (Debian's stock kernels have it)."
    grep -q '^CONFIG_OVERLAY_FS=[ym]' <<<"$cfg" \
      || die "the kernel lacks overlayfs (CONFIG_OVERLAY_FS), which dockerd's storage driver needs."
  else
    say "warning: no kernel config readable (/proc/config.gz or /boot/config-*); relying on 'criu check'"
  fi
}

APT_PACKAGES=(
  docker.io containerd runc podman conmon curl chromium busybox-static redis-server redis-tools xz-utils zstd ca-certificates
  build-essential pkg-config libprotobuf-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler
  python3-protobuf libnl-3-dev libnet1-dev libcap-dev libbsd-dev uuid-dev libnftables-dev
  libgnutls28-dev libdrm-dev iproute2 debootstrap qemu-user-static openssl openssh-client docker-registry
)

install_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then say "packages: all present"; return; fi
  say "packages: installing ${missing[*]}"
  apt-get update -qq
  # Services that packages would start (redis, containerd) must not: the test bed runs its own.
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
}

# CRIU must be 4.2+: bookworm's 3.17 fails `criu check` on this kernel's vDSO, 4.1 cannot dump inet
# sockets. The upstream tarball comes from Debian unstable's *source* index, kept in a private apt
# config so that no sid binary package can ever be installed.
build_criu() {
  local dir="$CACHE/criu/$CRIU_VERSION"
  if [ -x "$dir/criu" ] && "$dir/criu" --version 2>/dev/null | grep -q "Version: $CRIU_VERSION"; then
    say "criu: $CRIU_VERSION cached at $dir/criu"
  else
    say "criu: building $CRIU_VERSION from source (about 30 s)"
    local src="$CACHE/criu/src"
    mkdir -p "$src/lists/partial" "$dir"
    echo 'deb-src http://deb.debian.org/debian sid main' >"$src/sources.list"
    local aptopts=(-o "Dir::Etc::SourceList=$src/sources.list" -o Dir::Etc::SourceParts=- -o "Dir::State::Lists=$src/lists")
    local tarball="$src/criu_${CRIU_VERSION}.orig.tar.xz"
    if [ ! -s "$tarball" ]; then
      apt-get "${aptopts[@]}" update -qq
      # The .debian part of the source package may 404; only the upstream tarball is needed.
      (cd "$src" && apt-get "${aptopts[@]}" source --download-only "criu=${CRIU_VERSION}-*" >/dev/null 2>&1 || true)
      [ -s "$tarball" ] || (cd "$src" && apt-get "${aptopts[@]}" source --download-only criu >/dev/null 2>&1 || true)
      [ -s "$tarball" ] || die "could not download criu_${CRIU_VERSION}.orig.tar.xz from Debian's sid sources; set CS_CRIU_VERSION to the version 'apt-get source criu' offers (found: $(ls "$src" | grep -o 'criu_[0-9.]*\.orig' | head -1))."
    fi
    rm -rf "$src/build" && mkdir -p "$src/build"
    tar -xJf "$tarball" -C "$src/build" --strip-components=1
    make -C "$src/build" -j"$(nproc)" criu >"$src/build.log" 2>&1 || die "CRIU build failed; see $src/build.log"
    install -m 0755 "$src/build/criu/criu" "$dir/criu"
    rm -rf "$src/build"
  fi
  if [ -L "$CRIU_LINK" ] || [ ! -e "$CRIU_LINK" ]; then
    ln -sfn "$dir/criu" "$CRIU_LINK"
  else
    say "warning: $CRIU_LINK is not ours; the test-bed daemons still use $dir/criu first on their PATH"
  fi
  CRIU_BIN="$dir/criu"
  if ! "$CRIU_BIN" check >/dev/null 2>&1; then
    die "criu check failed: $("$CRIU_BIN" check 2>&1 | tail -3 | tr '\n' ' ')"
  fi
  say "criu: $("$CRIU_BIN" --version | head -1), criu check: Looks good."
}

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() { # seconds, command...
  local n=$(( $1 * 10 )); shift
  while [ $n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; n=$((n - 1)); done
  return 1
}

# The daemons find criu through the wrapper (fault injection for tests), then CRIU 4.2 itself.
daemon_path() { echo "$RUN/criu-wrapper:$CACHE/criu/$CRIU_VERSION:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"; }

install_criu_wrapper() {
  mkdir -p "$RUN/criu-wrapper" "$RUN/faults"
  sed -e "s#@REAL@#$CACHE/criu/$CRIU_VERSION/criu#" -e "s#@RUN@#$RUN#" "$HERE/criu-wrapper.sh" >"$RUN/criu-wrapper/criu"
  chmod 0755 "$RUN/criu-wrapper/criu"
  rm -f "$RUN/faults/kill-criu-after"
}

start_containerd() {
  mkdir -p "$RUN/containerd" "$DATA/containerd"
  if alive "$RUN/containerd/containerd.pid" && [ -S "$CTRD_SOCK" ]; then say "containerd: running ($CTRD_SOCK)"; return; fi
  cat >"$RUN/containerd/config.toml" <<EOF
version = 2
root = "$DATA/containerd"
state = "$RUN/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CTRD_SOCK"
[ttrpc]
  address = "$CTRD_SOCK.ttrpc"
EOF
  # What containerd leaves in /tmp from now on (a copy per restore, never removed) is the test
  # bed's to remove at `down`.
  [ -f "$RUN/containerd/started" ] || touch "$RUN/containerd/started"
  # The shim, runc and criu are found through containerd's PATH: ours puts CRIU 4.2 first.
  PATH="$(daemon_path)" setsid containerd --config "$RUN/containerd/config.toml" \
    >>"$DATA/containerd.log" 2>&1 </dev/null &
  echo $! >"$RUN/containerd/containerd.pid"
  wait_for 20 test -S "$CTRD_SOCK" || die "containerd did not start; see $DATA/containerd.log"
  say "containerd: started ($CTRD_SOCK)"
}

engine_sock() { echo "$RUN/$1/docker.sock"; }
dock() { local e=$1; shift; DOCKER_HOST="unix://$(engine_sock "$e")" "$DOCKER_CLI" "$@"; }

start_dockerd() {
  local e=$1 sock
  sock=$(engine_sock "$e")
  mkdir -p "$RUN/$e" "$DATA/$e"
  if alive "$RUN/$e/dockerd.pid" && dock "$e" version >/dev/null 2>&1; then say "dockerd $e: running (unix://$sock)"; return; fi
  # "tiny" keeps its data on a small tmpfs, for tests of a full disk.
  if [ "$e" = tiny ] && ! mountpoint -q "$DATA/$e"; then
    mount -t tmpfs -o size=${CS_TINY_DISK:-120m} tmpfs "$DATA/$e" || die "cannot mount a tmpfs for the tiny engine"
  fi
  # An empty config file: flags and /etc/docker/daemon.json may not both set a key.
  echo '{}' >"$RUN/$e/daemon.json"
  local experimental=--experimental
  [ "$e" = plain ] && experimental=--experimental=false
  # No bridge and no iptables: two daemons that both manage docker0 break each other.
  PATH="$(daemon_path)" setsid dockerd \
    "$experimental" \
    --host "unix://$sock" \
    --data-root "$DATA/$e" \
    --exec-root "$RUN/$e/exec" \
    --pidfile "$RUN/$e/dockerd.pid" \
    --config-file "$RUN/$e/daemon.json" \
    --containerd "$CTRD_SOCK" \
    --containerd-namespace "cs-$e" \
    --containerd-plugins-namespace "cs-$e-plugins" \
    --bridge=none --iptables=false --ip6tables=false \
    >>"$DATA/$e.log" 2>&1 </dev/null &
  wait_for 40 dock "$e" version || die "dockerd $e did not answer on unix://$sock; see $DATA/$e.log"
  say "dockerd $e: started (unix://$sock, data root $DATA/$e, ${experimental#--})"
}

# Podman's API service, as private as the dockerds: its own storage, run dir, configuration and
# socket. runc (with CRIU 4.2 first on its PATH), cgroupfs, and the ulimits this sandbox allows.
PODMAN_ROOT=$DATA/podman
podman_cmd() {
  CONTAINERS_CONF="$RUN/podman/containers.conf" PATH="$(daemon_path)" \
    podman --root "$PODMAN_ROOT/storage" --runroot "$RUN/podman/run" "$@"
}

start_podman() {
  local sock=$RUN/podman/podman.sock
  mkdir -p "$RUN/podman/run" "$PODMAN_ROOT"
  if alive "$RUN/podman/podman.pid" && curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; then
    say "podman: running (unix://$sock)"
    return
  fi
  cat >"$RUN/podman/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
  rm -f "$sock"
  podman_cmd system service --time=0 "unix://$sock" >>"$DATA/podman.log" 2>&1 </dev/null &
  echo $! >"$RUN/podman/podman.pid"
  wait_for 30 curl -sf --unix-socket "$sock" http://d/_ping || die "the Podman API service did not answer on unix://$sock; see $DATA/podman.log"
  say "podman: started (unix://$sock, storage $PODMAN_ROOT)"
}

# Podman 4.3 uses CNI here, which takes no interface name; its own subnet keeps it apart from the
# other engines' bridges on this machine's one network namespace.
ensure_podman_network() {
  podman_cmd network exists cs-net && return
  podman_cmd network create --subnet 10.89.43.0/24 cs-net >/dev/null
  say "network cs-net created on podman"
}

import_podman_image() {
  local name=$1 builder=$2 cmd=$3
  local tag="$name:$IMAGE_REV"
  podman_cmd image exists "$tag" && return
  local root
  root=$(mktemp -d)
  "$builder" "$root"
  tar -C "$root" -c . | podman_cmd import -q -c "CMD $cmd" -c 'WORKDIR /data' - "$tag" >/dev/null
  rm -rf "$root"
  say "image $tag imported into podman"
}

# Test images, made from Debian's own binaries because no registry can be reached.
rootfs_busybox() {
  local root=$1
  mkdir -p "$root"/{bin,etc,tmp,proc,sys,dev,root,data}
  chmod 1777 "$root/tmp"
  # SRC_ROOT: another Debian root whose binaries make the image (today's engines use their own).
  cp "${SRC_ROOT:-}/bin/busybox" "$root/bin/busybox"
  chroot "$root" /bin/busybox --install -s /bin
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
}

rootfs_redis() {
  local root=$1 bin lib
  rootfs_busybox "$root"
  mkdir -p "$root/usr/bin"
  local src=${SRC_ROOT:-} libs
  for bin in /usr/bin/redis-server /usr/bin/redis-cli; do
    cp "$src$bin" "$root/usr/bin/"
    if [ -n "$src" ]; then libs=$(chroot "$src" ldd "$bin"); else libs=$(ldd "$bin"); fi
    for lib in $(grep -o '/[^ ]*' <<<"$libs"); do (cd "$src/" && cp --parents -L ".$lib" "$root"); done
  done
}

rootfs_pi() {
  local root=$1
  rootfs_busybox "$root"
  mkdir -p "$root/usr/local/share"
  cp "$HERE/images/pi.awk" "$root/usr/local/share/pi.awk"
}

import_image() {
  local e=$1 name=$2 builder=$3 cmd=$4
  local tag="$name:$IMAGE_REV"
  if dock "$e" image inspect "$tag" >/dev/null 2>&1; then return; fi
  local root
  root=$(mktemp -d)
  "$builder" "$root"
  tar -C "$root" -c . | dock "$e" import -c "CMD $cmd" -c 'WORKDIR /data' - "$tag" >/dev/null
  rm -rf "$root"
  say "image $tag imported into $e"
}

import_images() {
  local e=$1
  import_image "$e" checkpoint-studio-test/busybox rootfs_busybox '["sh"]'
  import_image "$e" checkpoint-studio-test/redis rootfs_redis \
    '["redis-server", "--protected-mode", "no", "--save", "", "--appendonly", "no"]'
  # The demo job: digits of pi, 20 000 of them, about an hour of work on one core.
  import_image "$e" checkpoint-studio-test/pi rootfs_pi '["awk", "-v", "n=20000", "-f", "/usr/local/share/pi.awk"]'
}

# A user-defined bridge per engine, each with its own Linux bridge name so two engines never share
# one: containers on it can publish ports (through docker-proxy on 127.0.0.1 here).
# A registry on loopback for checkpoint images (push and pull); every engine here shares the host's
# loopback, and Docker trusts a plain-HTTP registry on 127.0.0.0/8 without being told.
REGISTRY_ADDR=127.0.0.1:5055
start_registry() {
  local d="$RUN/registry"
  mkdir -p "$d" "$DATA/registry"
  if alive "$d/registry.pid" && curl -fsS "http://$REGISTRY_ADDR/v2/" >/dev/null 2>&1; then return; fi
  cat >"$d/config.yml" <<YML
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $DATA/registry}, delete: {enabled: true}}
http: {addr: $REGISTRY_ADDR}
YML
  setsid docker-registry serve "$d/config.yml" >"$d/registry.log" 2>&1 </dev/null &
  echo $! >"$d/registry.pid"
  wait_for 20 curl -fsS "http://$REGISTRY_ADDR/v2/" || die "the registry did not start (see $d/registry.log)"
  say "registry: http://$REGISTRY_ADDR"
}

ensure_network() {
  local e=$1
  dock "$e" network inspect cs-net >/dev/null 2>&1 && return
  dock "$e" network create --driver bridge -o "com.docker.network.bridge.name=csbr-$e" cs-net >/dev/null
  say "network cs-net created on $e (bridge csbr-$e)"
}

write_env() {
  local f="$RUN/env" e first=""
  {
    echo "# written by testbed/testbed.sh; source it or read it as KEY=VALUE lines"
    if [ -S "$RUN/podman/podman.sock" ]; then
      echo "CS_TESTBED_PODMAN=unix://$RUN/podman/podman.sock"
      echo "CS_TESTBED_PODMAN_ROOT=$PODMAN_ROOT/storage"
      echo "CS_TESTBED_PODMAN_RUNROOT=$RUN/podman/run"
      echo "CS_TESTBED_PODMAN_CONF=$RUN/podman/containers.conf"
      echo "CS_TESTBED_PODMAN_PATH=$(daemon_path)"
    fi
    for e in $(ls "$RUN" 2>/dev/null); do
      local up
      up=$(echo "$e" | tr a-z A-Z)
      if [ "$e" != podman ] && [ -S "$RUN/$e/podman.sock" ]; then
        echo "CS_TESTBED_PODMAN_$up=unix://$RUN/$e/podman.sock"
        # Enough to run that Podman's own CLI on its storage (the benchmark compares with it).
        echo "CS_TESTBED_PODMAN_${up}_NS=$(ns_file "$(suite_of "$e")")"
        echo "CS_TESTBED_PODMAN_${up}_ROOT=$DATA/$e/storage"
        echo "CS_TESTBED_PODMAN_${up}_RUNROOT=/run/podman-$e"
        echo "CS_TESTBED_PODMAN_${up}_CONF=$RUN/$e/containers.conf"
        echo "CS_TESTBED_PODMAN_${up}_PATH=$(root_path "$(suite_of "$e")" "$e")"
      fi
      [ -S "$RUN/$e/docker.sock" ] || continue
      if is_root_engine "$e"; then echo "CS_TESTBED_ENGINE_${up}_NS=$(ns_file "$(suite_of "$e")")"; fi
      [ -n "$first" ] || [ "$e" = plain ] || first=$e
      echo "CS_TESTBED_ENGINE_$up=unix://$RUN/$e/docker.sock"
    done
    echo "CS_TESTBED_DOCKER_HOST=unix://$RUN/${first:-a}/docker.sock"
    echo "CS_TESTBED_DOCKER_CLI=$DOCKER_CLI"
    echo "CS_TESTBED_CRIU=$CACHE/criu/$CRIU_VERSION/criu"
    echo "CS_TESTBED_BUSYBOX_IMAGE=checkpoint-studio-test/busybox:$IMAGE_REV"
    echo "CS_TESTBED_REDIS_IMAGE=checkpoint-studio-test/redis:$IMAGE_REV"
    echo "CS_TESTBED_PI_IMAGE=checkpoint-studio-test/pi:$IMAGE_REV"
    echo "CS_TESTBED_NETWORK=cs-net"
    alive "$RUN/registry/registry.pid" && echo "CS_TESTBED_REGISTRY=$REGISTRY_ADDR"
    for s in sid trixie; do
      [ -e "$(ns_file "$s")" ] && echo "CS_TESTBED_NS_$(echo "$s" | tr a-z A-Z)=$(ns_file "$s")"
    done
    # A folder seen at the same path here and inside every root (checkpointctl reads the app's exports there).
    mkdir -p "$RUN/shared-tmp" && chmod 1777 "$RUN/shared-tmp"
    echo "CS_TESTBED_SHARED_TMP=$RUN/shared-tmp"
    hosts_env
  } >"$f"
}

cmd_up() {
  local engines=("$@")
  [ ${#engines[@]} -gt 0 ] || engines=(a)
  local e
  for e in "${engines[@]}"; do [[ "$e" =~ ^[a-z][a-z0-9]{0,7}$ ]] || die "engine names are short lowercase words (a, b, …): '$e'"; done
  preflight
  install_packages
  local suites=() s
  for e in "${engines[@]}"; do
    if is_host_engine "$e"; then s=$(host_suite "$e")
    elif is_root_engine "$e"; then s=$(suite_of "$e")
    else continue; fi
    [[ " ${suites[*]} " == *" $s "* ]] || suites+=("$s")
  done
  # The roots (a minute or two each, the first time) build while CRIU does.
  local roots_pid=""
  if [ ${#suites[@]} -gt 0 ]; then build_roots "${suites[@]}" & roots_pid=$!; fi
  build_criu
  install_criu_wrapper
  if [ -n "$roots_pid" ]; then wait "$roots_pid" || die "the engines' roots could not be built"; fi
  for s in "${suites[@]}"; do enter_root "$s"; done
  start_containerd
  start_registry
  for e in "${engines[@]}"; do
    if is_host_engine "$e"; then
      start_host "$e"
      continue
    fi
    if is_root_engine "$e"; then
      if [[ $e == p* ]]; then start_root_podman "$e"; else start_root_dockerd "$e"; ensure_network "$e"; fi
      import_root_images "$e"
      continue
    fi
    if [ "$e" = podman ]; then
      start_podman
      ensure_podman_network
      import_podman_image checkpoint-studio-test/busybox rootfs_busybox '["sh"]'
      import_podman_image checkpoint-studio-test/redis rootfs_redis '["redis-server", "--protected-mode", "no", "--save", "", "--appendonly", "no"]'
      import_podman_image checkpoint-studio-test/pi rootfs_pi '["awk", "-v", "n=20000", "-f", "/usr/local/share/pi.awk"]'
      continue
    fi
    start_dockerd "$e"
    import_images "$e"
    ensure_network "$e"
  done
  write_env
  local shown=a
  for e in "${engines[@]}"; do if [ -S "$(engine_sock "$e")" ]; then shown=$e; break; fi; done
  say "ready. For a shell: export DOCKER_HOST=unix://$(engine_sock "$shown")   (variables in $RUN/env)"
}

stop_pidfile() {
  local pf=$1 what=$2 pid
  alive "$pf" || return 0
  pid=$(cat "$pf")
  kill "$pid"
  wait_for 20 sh -c "! kill -0 $pid" || { kill -9 "$pid" 2>/dev/null || true; }
  say "$what: stopped"
}

# containerd's copies of restored checkpoints (ctrd-checkpoint*), made in /tmp since the test bed's
# containerd first started: it never removes them (issue 17 found 21.8 GB after a day of tests).
remove_restore_leftovers() {
  local stamp="$RUN/containerd/started" n
  [ -f "$stamp" ] || return 0
  n=$(find /tmp -maxdepth 1 -name 'ctrd-checkpoint*' -type d -newer "$stamp" | wc -l)
  find /tmp -maxdepth 1 -name 'ctrd-checkpoint*' -type d -newer "$stamp" -exec rm -rf {} +
  rm -f "$stamp"
  say "removed $n restore leftovers (ctrd-checkpoint*) from /tmp"
}

cmd_down() {
  local d
  hosts_down
  for d in "$RUN"/*/; do
    [ -f "$d/dockerd.pid" ] && stop_pidfile "$d/dockerd.pid" "dockerd $(basename "$d")"
  done
  if mountpoint -q "$DATA/tiny" 2>/dev/null; then umount "$DATA/tiny" || true; fi
  for d in "$RUN"/*/; do
    [ -f "$d/podman.pid" ] && stop_pidfile "$d/podman.pid" "podman $(basename "$d")"
  done
  for d in "$RUN"/*/; do
    [ -f "$d/containerd.pid" ] && stop_pidfile "$d/containerd.pid" "containerd $(basename "$d")"
  done
  # Shims outlive containerd by design; stop the ones that belong to the test bed.
  pkill -f "containerd-shim-runc-v2 -namespace cs-" 2>/dev/null || true
  release_roots
  stop_pidfile "$RUN/registry/registry.pid" registry
  remove_restore_leftovers
  rm -f "$RUN/env"
  say "down (data kept in $DATA)"
}

cmd_status() {
  local d e
  if alive "$RUN/containerd/containerd.pid"; then say "containerd: running"; else say "containerd: stopped"; fi
  for d in "$RUN"/*/; do
    e=$(basename "$d")
    if [ -f "$d/podman.pid" ]; then
      if alive "$d/podman.pid"; then say "podman $e: running (unix://$d""podman.sock)"; else say "podman $e: stopped"; fi
    elif [ -f "$d/dockerd.pid" ] || [ -f "$d/daemon.json" ]; then
      if alive "$d/dockerd.pid" && dock "$e" version >/dev/null 2>&1; then
        say "dockerd $e: running (unix://$(engine_sock "$e"))"
      else say "dockerd $e: stopped"; fi
    fi
  done
  if alive "$RUN/registry/registry.pid"; then say "registry: http://$REGISTRY_ADDR"; else say "registry: stopped"; fi
  if [ -x "$CRIU_LINK" ]; then say "criu: $("$CRIU_LINK" --version | head -1)"; else say "criu: not installed"; fi
}

# Restarts one engine's dockerd (tests of an engine going away in the middle of work).
cmd_restart() {
  local e=$1
  [ -f "$RUN/$e/dockerd.pid" ] || die "no engine $e"
  stop_pidfile "$RUN/$e/dockerd.pid" "dockerd $e"
  if is_root_engine "$e"; then start_root_dockerd "$e"; else start_dockerd "$e"; fi
}

case "${1:-up}" in
  up) shift || true; cmd_up "$@" ;;
  restart) cmd_restart "${2:?engine name}" ;;
  shape) cmd_shape "${2:?host name}" "${3:-off}" ;;
  link) cmd_link "${2:?host name}" "${3:?up or down}" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cat "$RUN/env" 2>/dev/null || die "the test bed is not up: run testbed/testbed.sh up" ;;
  *) echo "usage: $0 up [ENGINE...] | restart ENGINE | shape HOST RATE|off | link HOST up|down | down | status | env" >&2; exit 64 ;;
esac
