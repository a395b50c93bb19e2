# Test hosts: machines as the app meets them over the network. Each host is a network namespace
# of its own (its own loopback, one veth pair to this machine, no route anywhere else) and a mount
# namespace of its own over one of the roots (roots.sh), running its own containerd, dockerd and
# sshd. Its dockerd answers on /var/run/docker.sock inside the host (for `ssh … docker system
# dial-stdio`), on tcp://ADDRESS:2376 with TLS, and on a socket under $RUN for test set-up only.
# Sourced by testbed.sh; uses its say/die/wait_for/alive and roots.sh's enter_root/root_path.
#
#   h1: Debian 13 root, Docker 26.1 + containerd 1.7, at 10.77.1.2 (this machine: 10.77.1.1)
#   h2: sid root, Docker 28.5 + containerd 2.1, at 10.77.2.2 (this machine: 10.77.2.1)
#
# Nothing here routes beyond the pairs: each host has only its /24 with this machine, so traffic
# can go nowhere but between this machine and that host.

HOSTS_DIR="$RUN/hosts"
HOSTS_DATA="$DATA/hosts"
TLS_DIR="$HOSTS_DATA/tls"
SSH_DIR="$HOSTS_DATA/ssh"

is_host_engine() { case "$1" in h1 | h2) return 0 ;; *) return 1 ;; esac; }
host_suite() { case "$1" in h1) echo trixie ;; h2) echo sid ;; esac; }
host_index() { echo "${1#h}"; }
host_addr() { echo "10.77.$(host_index "$1").2"; }
host_peer() { echo "10.77.$(host_index "$1").1"; }
host_netns() { echo "cs-$1"; }
host_veth() { echo "csh-$1"; }
in_host() { local h=$1; shift; nsenter --net="/run/netns/$(host_netns "$h")" --mount="$(ns_file "$h")" -- "$@"; }
host_dock() { local h=$1; shift; DOCKER_HOST="unix://$HOSTS_DIR/$h/docker.sock" "$DOCKER_CLI" "$@"; }

# The host's network: a namespace and a veth pair, addressed on a /24 of its own. Under the pairs,
# 10.77.0.0/16 is unreachable from this machine: with a link cut (its /24 route gone) a packet to a
# host fails here at once instead of following the default route off the machine.
host_network() {
  local h=$1 ns veth
  ns=$(host_netns "$h")
  veth=$(host_veth "$h")
  ip route replace unreachable 10.77.0.0/16
  [ -e "/run/netns/$ns" ] || ip netns add "$ns"
  if ! ip link show "$veth" >/dev/null 2>&1; then
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip addr add "$(host_peer "$h")/24" dev "$veth"
    ip netns exec "$ns" ip addr add "$(host_addr "$h")/24" dev eth0
  fi
  ip link set "$veth" up
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" ip link set eth0 up
}

# A CA, a server certificate per host (its address as the subject's IP), a client certificate,
# and a stranger: a client certificate from another CA, for tests of a wrong certificate.
host_tls() {
  local h=$1 addr
  addr=$(host_addr "$h")
  mkdir -p "$TLS_DIR/client" "$TLS_DIR/stranger" "$TLS_DIR/$h"
  if [ ! -s "$TLS_DIR/ca-key.pem" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -subj "/CN=checkpoint-studio test bed CA" -keyout "$TLS_DIR/ca-key.pem" -out "$TLS_DIR/ca.pem" 2>/dev/null
    cert_signed "$TLS_DIR/client" client "extendedKeyUsage=clientAuth" "$TLS_DIR/ca.pem" "$TLS_DIR/ca-key.pem"
    cp "$TLS_DIR/ca.pem" "$TLS_DIR/client/ca.pem"
    local other
    other=$(mktemp -d)
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -subj "/CN=some other CA" -keyout "$other/ca-key.pem" -out "$other/ca.pem" 2>/dev/null
    cert_signed "$TLS_DIR/stranger" stranger "extendedKeyUsage=clientAuth" "$other/ca.pem" "$other/ca-key.pem"
    cp "$other/ca.pem" "$TLS_DIR/stranger/ca.pem"
    rm -rf "$other"
  fi
  [ -s "$TLS_DIR/$h/cert.pem" ] \
    || cert_signed "$TLS_DIR/$h" "$h" "extendedKeyUsage=serverAuth
subjectAltName=IP:$addr" "$TLS_DIR/ca.pem" "$TLS_DIR/ca-key.pem"
}

cert_signed() { # dir cn extensions ca ca-key
  local dir=$1 cn=$2 ext=$3 ca=$4 cakey=$5
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$cn" \
    -keyout "$dir/key.pem" -out "$dir/req.csr" 2>/dev/null
  printf '%s\n' "$ext" >"$dir/ext.cnf"
  openssl x509 -req -in "$dir/req.csr" -CA "$ca" -CAkey "$cakey" -CAcreateserial -days 3650 \
    -extfile "$dir/ext.cnf" -out "$dir/cert.pem" 2>/dev/null
  rm -f "$dir/req.csr" "$dir/ext.cnf"
  chmod 0600 "$dir/key.pem"
}

# One client key that every host accepts, and a stranger key that none does.
host_ssh_keys() {
  mkdir -p "$SSH_DIR" && chmod 0700 "$SSH_DIR"
  [ -s "$SSH_DIR/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C checkpoint-studio-testbed -f "$SSH_DIR/id_ed25519"
  [ -s "$SSH_DIR/stranger_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C stranger -f "$SSH_DIR/stranger_ed25519"
  cp "$SSH_DIR/id_ed25519.pub" "$SSH_DIR/authorized_keys" && chmod 0600 "$SSH_DIR/authorized_keys"
}

start_host() {
  local h=$1 suite dir sock addr
  suite=$(host_suite "$h")
  dir="$HOSTS_DIR/$h"
  sock="$dir/docker.sock"
  addr=$(host_addr "$h")
  mkdir -p "$dir" "$HOSTS_DATA/$h"
  host_network "$h"
  host_tls "$h"
  host_ssh_keys
  enter_root "$suite" "$h"
  local path
  path=$(root_path "$suite")
  start_ns_containerd "$dir" "$HOSTS_DATA/$h/containerd" /run/containerd "$HOSTS_DATA/$h/containerd.log" \
    "$path" --net="/run/netns/$(host_netns "$h")" --mount="$(ns_file "$h")" || die "containerd of host $h did not start; see $HOSTS_DATA/$h/containerd.log"
  if alive "$dir/dockerd.pid" && host_dock "$h" version >/dev/null 2>&1; then
    say "host $h: dockerd running"
  else
    echo '{}' >"$dir/daemon.json"
    PATH="$path" in_host "$h" dockerd \
      --experimental \
      --host unix:///var/run/docker.sock \
      --host "unix://$sock" \
      --host "tcp://$addr:2376" \
      --tlsverify --tlscacert "$TLS_DIR/ca.pem" --tlscert "$TLS_DIR/$h/cert.pem" --tlskey "$TLS_DIR/$h/key.pem" \
      --data-root "$HOSTS_DATA/$h/docker" \
      --exec-root /run/docker \
      --pidfile "$dir/dockerd.pid" \
      --config-file "$dir/daemon.json" \
      --containerd "$dir/containerd.sock" \
      --containerd-namespace "cs-$h" \
      --containerd-plugins-namespace "cs-$h-plugins" \
      --cgroup-parent "cs-$h" \
      --bridge=none --iptables=false --ip6tables=false \
      >>"$HOSTS_DATA/$h/dockerd.log" 2>&1 </dev/null &
    wait_for 40 host_dock "$h" version || die "dockerd of host $h did not answer; see $HOSTS_DATA/$h/dockerd.log"
  fi
  if ! alive "$dir/sshd.pid"; then
    cat >"$dir/sshd_config" <<EOF
ListenAddress $addr
HostKey $HOSTS_DATA/$h/ssh_host_ed25519_key
PidFile $dir/sshd.pid
PermitRootLogin prohibit-password
AuthorizedKeysFile $SSH_DIR/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
EOF
    [ -s "$HOSTS_DATA/$h/ssh_host_ed25519_key" ] \
      || ssh-keygen -q -t ed25519 -N '' -C "host $h" -f "$HOSTS_DATA/$h/ssh_host_ed25519_key"
    in_host "$h" mkdir -p /run/sshd
    in_host "$h" /usr/sbin/sshd -f "$dir/sshd_config" -E "$HOSTS_DATA/$h/sshd.log" \
      || die "sshd of host $h did not start; see $HOSTS_DATA/$h/sshd.log"
    wait_for 10 alive "$dir/sshd.pid" || die "sshd of host $h did not start; see $HOSTS_DATA/$h/sshd.log"
  fi
  host_images "$h"
  say "host $h: $addr, Docker $(host_dock "$h" version -f '{{.Server.Version}}') ($suite root), ssh://root@$addr, tcp://$addr:2376 (TLS)"
}

host_images() {
  local h=$1 src spec name builder cmd
  src=$(root_dir "$(host_suite "$h")")
  for spec in \
    "checkpoint-studio-test/busybox|rootfs_busybox|[\"sh\"]" \
    "checkpoint-studio-test/redis|rootfs_redis|[\"redis-server\", \"--protected-mode\", \"no\", \"--save\", \"\", \"--appendonly\", \"no\"]" \
    "checkpoint-studio-test/pi|rootfs_pi|[\"awk\", \"-v\", \"n=20000\", \"-f\", \"/usr/local/share/pi.awk\"]"; do
    IFS='|' read -r name builder cmd <<<"$spec"
    host_dock "$h" image inspect "$name:$IMAGE_REV" >/dev/null 2>&1 && continue
    local tmp
    tmp=$(mktemp -d)
    SRC_ROOT="$src" "$builder" "$tmp"
    tar -C "$tmp" -c . | host_dock "$h" import -c "CMD $cmd" -c 'WORKDIR /data' - "$name:$IMAGE_REV" >/dev/null
    rm -rf "$tmp"
  done
}

# For the benchmark: both directions of a host's link at RATE (e.g. 100mbit), or unshaped.
# This kernel has no netem, so only the rate can be shaped (tbf), not latency.
cmd_shape() {
  local h=$1 rate=${2:-off} veth
  veth=$(host_veth "$h")
  tc qdisc del dev "$veth" root 2>/dev/null || true
  ip netns exec "$(host_netns "$h")" tc qdisc del dev eth0 root 2>/dev/null || true
  if [ "$rate" != off ]; then
    tc qdisc add dev "$veth" root tbf rate "$rate" burst 256kb latency 100ms
    ip netns exec "$(host_netns "$h")" tc qdisc add dev eth0 root tbf rate "$rate" burst 256kb latency 100ms
  fi
  say "host $h: link $rate"
}

# Tests cut a host's link mid-transfer and put it back (the unreachable route keeps a cut link's
# traffic on this machine).
cmd_link() {
  local h=$1 state=$2
  [[ "$(ip route show)" == *'unreachable 10.77.0.0/16'* ]] || die "the hosts' unreachable route is missing: run testbed.sh up"
  ip link set "$(host_veth "$h")" "$state"
  [ "$state" = down ] || ip netns exec "$(host_netns "$h")" ip link set eth0 up
}

hosts_env() {
  local h up
  [ -d "$HOSTS_DIR" ] || return 0
  for h in h1 h2; do
    [ -S "$HOSTS_DIR/$h/docker.sock" ] || continue
    up=$(echo "$h" | tr a-z A-Z)
    echo "CS_TESTBED_HOST_${up}_SSH=ssh://root@$(host_addr "$h")"
    echo "CS_TESTBED_HOST_${up}_TLS=tcp://$(host_addr "$h"):2376"
    echo "CS_TESTBED_HOST_${up}_SOCK=unix://$HOSTS_DIR/$h/docker.sock"
    echo "CS_TESTBED_HOST_${up}_SSH_FINGERPRINT=$(ssh-keygen -l -E sha256 -f "$HOSTS_DATA/$h/ssh_host_ed25519_key.pub" | cut -d" " -f2)"
  done
  echo "CS_TESTBED_TLS_DIR=$TLS_DIR/client"
  echo "CS_TESTBED_TLS_STRANGER_DIR=$TLS_DIR/stranger"
  echo "CS_TESTBED_SSH_KEY=$SSH_DIR/id_ed25519"
  echo "CS_TESTBED_SSH_STRANGER_KEY=$SSH_DIR/stranger_ed25519"
}

hosts_down() {
  local h dir
  for h in h1 h2; do
    dir="$HOSTS_DIR/$h"
    [ -d "$dir" ] || continue
    [ -f "$dir/sshd.pid" ] && stop_pidfile "$dir/sshd.pid" "sshd of host $h"
    [ -f "$dir/dockerd.pid" ] && stop_pidfile "$dir/dockerd.pid" "dockerd of host $h"
    [ -f "$dir/containerd.pid" ] && stop_pidfile "$dir/containerd.pid" "containerd of host $h"
    ip link del "$(host_veth "$h")" 2>/dev/null || true
    ip netns del "$(host_netns "$h")" 2>/dev/null || true
  done
  ip route del unreachable 10.77.0.0/16 2>/dev/null || true
}
