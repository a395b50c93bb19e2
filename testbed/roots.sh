# Today's engines beside Debian 12's: Docker 26.1 + containerd 1.7 + Podman 5.4 from Debian 13
# (trixie) and Docker 28.5 + containerd 2.1 + Podman 5.8 + CRIU 4.2.1 from sid, each installed
# into a root file system of its own (debootstrap) and run in a private mount namespace there.
# Sourced by testbed.sh; uses its say/die/wait_for/alive and RUN, DATA, CACHE, CRIU_VERSION.
#
# Why a mount namespace and not a chroot: CRIU refuses to dump a task whose root differs from its
# mount namespace's ("The root task has another root than mntns"). So each root gets a persistent
# namespace (a file under $RUN/ns), in which the root is bound onto itself and pivot_root'ed to;
# $RUN and $DATA are bound in at the same paths, so sockets, pid files and data roots have one
# name on both sides. Never add trixie or sid as binary apt sources of this machine: their libc
# would replace bookworm's. They live only inside these roots.

ROOTS_REV=1
ROOT_PACKAGES=(
  docker.io docker-cli containerd runc podman conmon netavark aardvark-dns catatonit criu
  busybox-static redis-server iproute2 ca-certificates openssh-server checkpointctl
)

# Which root each of today's engines runs in, and its kind.
suite_of() {
  case "$1" in
    d26 | p54 | p54old) echo trixie ;;
    d28 | p58) echo sid ;;
    *) return 1 ;;
  esac
}
is_root_engine() { suite_of "$1" >/dev/null 2>&1; }

root_dir() { echo "$CACHE/roots/$1-r$ROOTS_REV"; }
ns_file() { echo "$RUN/ns/$1"; }
in_root() { local suite=$1; shift; nsenter --mount="$(ns_file "$suite")" -- "$@"; }

# debootstrap, then the engines from the suite's own packages. Cached: a finished root carries a
# stamp and is never rebuilt; a half-built one (interrupted) is thrown away and started again.
build_root() {
  local suite=$1 dir tmp log
  dir=$(root_dir "$suite")
  if [ -f "$dir/.cs-ready" ]; then
    # A cached root made before a package joined the list gets just that package.
    local missing=() p
    for p in "${ROOT_PACKAGES[@]}"; do
      chroot "$dir" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
      say "root $suite: adding ${missing[*]}"
      mount -t proc proc "$dir/proc"
      local rc=0
      { chroot "$dir" apt-get update -qq \
        && DEBIAN_FRONTEND=noninteractive chroot "$dir" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
        >>"$CACHE/roots/$suite.log" 2>&1 || rc=$?
      umount "$dir/proc"
      [ $rc -eq 0 ] || die "installing ${missing[*]} into the $suite root failed; see $CACHE/roots/$suite.log"
      chroot "$dir" apt-get clean
    fi
    say "root $suite: cached at $dir"
    return
  fi
  tmp="$dir.partial"
  log="$CACHE/roots/$suite.log"
  mkdir -p "$CACHE/roots"
  rm -rf "$tmp"
  say "root $suite: debootstrap and ${ROOT_PACKAGES[*]} (about 2 minutes)"
  debootstrap --variant=minbase "$suite" "$tmp" http://deb.debian.org/debian >"$log" 2>&1 \
    || die "debootstrap $suite failed; see $log"
  # The mirror's Release files can be past their Valid-Until date; package scripts must start nothing.
  echo 'Acquire::Check-Valid-Until "false";' >"$tmp/etc/apt/apt.conf.d/99checkpoint-studio"
  printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d" && chmod +x "$tmp/usr/sbin/policy-rc.d"
  mount -t proc proc "$tmp/proc"
  local rc=0
  {
    chroot "$tmp" apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive chroot "$tmp" apt-get install -y -qq --no-install-recommends "${ROOT_PACKAGES[@]}"
  } >>"$log" 2>&1 || rc=$?
  umount "$tmp/proc"
  [ $rc -eq 0 ] || die "installing the engines into the $suite root failed; see $log"
  chroot "$tmp" apt-get clean
  echo "$suite" >"$tmp/etc/checkpoint-studio-root"
  mv "$tmp" "$dir"
  touch "$dir/.cs-ready"
  say "root $suite: ready ($(chroot "$dir" dpkg-query -W -f='${Package} ${Version}  ' docker.io containerd podman criu))"
}

build_roots() {
  local pids=() s rc=0
  for s in "$@"; do build_root "$s" & pids+=($!); done
  for s in "${pids[@]}"; do wait "$s" || rc=$?; done
  [ $rc -eq 0 ] || exit $rc
}

# The root's private mount namespace, made once and kept (a bind of /proc/PID/ns/mnt on a file).
# NAME (default: the suite) lets several namespaces share one root: each test host has its own.
enter_root() {
  local suite=$1 name=${2:-$1} root nsf
  root=$(root_dir "$suite")
  nsf=$(ns_file "$name")
  if [ -e "$nsf" ] && in_root "$name" test -f /etc/checkpoint-studio-root 2>/dev/null; then return; fi
  mkdir -p "$RUN/ns"
  # A namespace file can only be bound onto a private mount.
  if ! mountpoint -q "$RUN/ns"; then mount --bind "$RUN/ns" "$RUN/ns" && mount --make-private "$RUN/ns"; fi
  umount "$nsf" 2>/dev/null || true
  touch "$nsf"
  mkdir -p "$DATA"
  unshare --mount="$nsf" --propagation private sh -ec '
    r=$1 run=$2 data=$3 criu=$4
    mount --bind "$r" "$r"
    mount -t proc proc "$r/proc"
    mount --rbind /sys "$r/sys"
    mount --rbind /dev "$r/dev"
    mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
    mount -t tmpfs -o mode=0755 tmpfs "$r/run"
    mkdir -p "$r$run" "$r$data" "$r$criu"
    mount --bind "$run" "$r$run"
    mount --bind "$data" "$r$data"
    mount --bind "$criu" "$r$criu" && mount -o remount,bind,ro "$r$criu"
    cd "$r"
    mkdir -p .oldroot
    pivot_root . .oldroot
    umount -l /.oldroot
  ' sh "$root" "$RUN" "$DATA" "$CACHE/criu" || die "could not make the mount namespace of the $suite root"
  say "root $suite: mount namespace $nsf"
}

# On trixie the runtime finds this project's CRIU 4.2.1 first (trixie's 4.1.1 cannot dump TCP
# sockets); "p54old" is the exception on purpose: a Podman with the suite's own CRIU, so that tests
# see what the app says about an engine whose CRIU is too old.
root_path() {
  local suite=$1 e=${2:-} base=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  if [ "$suite" = trixie ] && [ "$e" != p54old ]; then echo "$CACHE/criu/$CRIU_VERSION:$base"; else echo "$base"; fi
}

# A private containerd in namespaces (nsenter's options name them: a root's mount namespace, a test
# host's network and mount namespaces). Its socket and configuration in DIR; ROOT and STATE as the
# namespace sees them. nsenter execs containerd, so the pid file holds containerd's own pid.
start_ns_containerd() { # dir root state log path nsenter-option…
  local dir=$1 root=$2 state=$3 log=$4 path=$5 version=2
  shift 5
  if alive "$dir/containerd.pid" && [ -S "$dir/containerd.sock" ]; then return 0; fi
  # containerd 2.x reads version 3 configurations; 1.7 reads version 2.
  nsenter "$@" -- containerd --version | grep -q ' v\?2\.' && version=3
  cat >"$dir/containerd.toml" <<EOF
version = $version
root = "$root"
state = "$state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$dir/containerd.sock"
[ttrpc]
  address = "$dir/containerd.sock.ttrpc"
EOF
  rm -f "$dir/containerd.sock"
  PATH="$path" nsenter "$@" -- containerd --config "$dir/containerd.toml" >>"$log" 2>&1 </dev/null &
  echo $! >"$dir/containerd.pid"
  wait_for 20 test -S "$dir/containerd.sock"
}

start_root_containerd() {
  local suite=$1 dir="$RUN/ctrd-$1"
  mkdir -p "$dir" "$DATA/ctrd-$suite"
  if alive "$dir/containerd.pid" && [ -S "$dir/containerd.sock" ]; then return; fi
  start_ns_containerd "$dir" "$DATA/ctrd-$suite" /run/containerd-state "$DATA/ctrd-$suite.log" \
    "$(root_path "$suite")" --mount="$(ns_file "$suite")" \
    || die "containerd in the $suite root did not start; see $DATA/ctrd-$suite.log"
  say "containerd ($suite): started ($(in_root "$suite" containerd --version | awk '{print $3}'))"
}

start_root_dockerd() {
  local e=$1 suite sock
  suite=$(suite_of "$e")
  sock="$RUN/$e/docker.sock"
  mkdir -p "$RUN/$e" "$DATA/$e"
  if alive "$RUN/$e/dockerd.pid" && dock "$e" version >/dev/null 2>&1; then say "dockerd $e: running (unix://$sock)"; return; fi
  start_root_containerd "$suite"
  echo '{}' >"$RUN/$e/daemon.json"
  PATH="$(root_path "$suite" "$e")" nsenter --mount="$(ns_file "$suite")" -- dockerd \
    --experimental \
    --host "unix://$sock" \
    --data-root "$DATA/$e" \
    --exec-root "/run/docker-$e" \
    --pidfile "$RUN/$e/dockerd.pid" \
    --config-file "$RUN/$e/daemon.json" \
    --containerd "$RUN/ctrd-$suite/containerd.sock" \
    --containerd-namespace "cs-$e" \
    --containerd-plugins-namespace "cs-$e-plugins" \
    --cgroup-parent "cs-$e" \
    --bridge=none --iptables=false --ip6tables=false \
    >>"$DATA/$e.log" 2>&1 </dev/null &
  wait_for 40 dock "$e" version || die "dockerd $e did not answer on unix://$sock; see $DATA/$e.log"
  say "dockerd $e: started (unix://$sock, $(dock "$e" version -f '{{.Server.Version}}'), $suite root)"
}

podman_in_root() {
  local e=$1; shift
  CONTAINERS_CONF="$RUN/$e/containers.conf" PODMAN_IGNORE_CGROUPSV1_WARNING=1 PATH="$(root_path "$(suite_of "$e")" "$e")" \
    nsenter --mount="$(ns_file "$(suite_of "$e")")" -- \
    podman --root "$DATA/$e/storage" --runroot "/run/podman-$e" "$@"
}

# Each Podman gets a bridge network with its own interface name and subnet: all of them share
# this machine's network namespace, so two bridges with one subnet would break each other.
podman_subnet() { case "$1" in p54) echo 10.89.54.0/24 ;; p58) echo 10.89.58.0/24 ;; *) echo 10.89.99.0/24 ;; esac; }

# On some kernels (6.18 here) trixie's CRIU 4.1.1 does not fail on a TCP socket as it did when
# HOST-ENGINE.md was written: its parasite waits forever ("Waiting for N to trap"), and the hung
# dump holds the container's lock and with it Podman's whole API. p54old finds CRIU through a time
# limit (in the root's /usr/local/sbin, ahead of /usr/sbin on its PATH; every other trixie engine
# finds this project's CRIU before it), so it fails as an old CRIU should and the engine stays usable.
old_criu_limit() {
  local f
  f="$(root_dir trixie)/usr/local/sbin/criu"
  mkdir -p "${f%/*}"
  printf '#!/bin/sh\n# checkpoint-studio test bed: see old_criu_limit in testbed/roots.sh\nexec timeout -k 5 40 /usr/sbin/criu "$@"\n' >"$f.new"
  chmod 755 "$f.new" && mv "$f.new" "$f"
}

start_root_podman() {
  local e=$1 sock="$RUN/$1/podman.sock"
  mkdir -p "$RUN/$e" "$DATA/$e"
  [ "$e" = p54old ] && old_criu_limit
  if alive "$RUN/$e/podman.pid" && curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; then
    say "podman $e: running (unix://$sock)"
    return
  fi
  cat >"$RUN/$e/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
netns = "none"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
[network]
firewall_driver = "none"
network_config_dir = "$DATA/$e/networks"
EOF
  mkdir -p "$DATA/$e/networks"
  rm -f "$sock"
  podman_in_root "$e" system service --time=0 "unix://$sock" >>"$DATA/$e.log" 2>&1 </dev/null &
  echo $! >"$RUN/$e/podman.pid"
  wait_for 30 curl -sf --unix-socket "$sock" http://d/_ping || die "Podman $e did not answer on unix://$sock; see $DATA/$e.log"
  say "podman $e: started (unix://$sock, $(podman_in_root "$e" version -f '{{.Server.Version}}' 2>/dev/null || podman_in_root "$e" version -f '{{.Version}}'), $(suite_of "$e") root)"
  if ! podman_in_root "$e" network exists cs-net; then
    podman_in_root "$e" network create --interface-name "csbr-$e" --subnet "$(podman_subnet "$e")" cs-net >/dev/null
    say "network cs-net created on $e (bridge csbr-$e)"
  fi
}

# The test images of a root's engines are made from that root's own busybox and redis.
import_root_images() {
  local e=$1 suite src kind=docker
  suite=$(suite_of "$e")
  src=$(root_dir "$suite")
  [[ $e == p* ]] && kind=podman
  local spec name builder cmd
  for spec in \
    "checkpoint-studio-test/busybox|rootfs_busybox|[\"sh\"]" \
    "checkpoint-studio-test/redis|rootfs_redis|[\"redis-server\", \"--protected-mode\", \"no\", \"--save\", \"\", \"--appendonly\", \"no\"]" \
    "checkpoint-studio-test/pi|rootfs_pi|[\"awk\", \"-v\", \"n=20000\", \"-f\", \"/usr/local/share/pi.awk\"]"; do
    IFS='|' read -r name builder cmd <<<"$spec"
    local tag="$name:$IMAGE_REV"
    if [ $kind = docker ]; then
      dock "$e" image inspect "$tag" >/dev/null 2>&1 && continue
    else
      podman_in_root "$e" image exists "$tag" && continue
    fi
    local tmp
    tmp=$(mktemp -d)
    SRC_ROOT="$src" "$builder" "$tmp"
    if [ $kind = docker ]; then
      tar -C "$tmp" -c . | dock "$e" import -c "CMD $cmd" -c 'WORKDIR /data' - "$tag" >/dev/null
    else
      tar -C "$tmp" -c . | podman_in_root "$e" import -q -c "CMD $cmd" -c 'WORKDIR /data' - "$tag" >/dev/null
    fi
    rm -rf "$tmp"
    say "image $tag imported into $e (from the $suite root)"
  done
}

# Leaves the roots' namespaces once nothing runs in them (data and roots are kept).
release_roots() {
  local f
  for f in "$RUN"/ns/*; do [ -e "$f" ] && umount "$f" 2>/dev/null; rm -f "$f"; done
  mountpoint -q "$RUN/ns" 2>/dev/null && umount "$RUN/ns" 2>/dev/null
  return 0
}
