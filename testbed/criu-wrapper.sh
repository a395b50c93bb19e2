#!/bin/sh
# The test bed's criu, first on the daemons' PATH. It is CRIU itself — unless a test has written a
# delay (seconds) into the fault file: then each CRIU run is killed that long after it starts, as a
# crash of CRIU in the middle of a dump would be. With the keep-logs file present, each run's
# restore.log is copied into @RUN@/criu-logs before the runtime deletes it with the failed
# container (runc talks to CRIU over a socket, so the log's folder is found by its age).
# Test bed only; never installed for users.
REAL=@REAL@
FAULT=@RUN@/faults/kill-criu-after
KEEP=@RUN@/faults/keep-logs
if [ -f "$FAULT" ]; then
  "$REAL" "$@" &
  pid=$!
  ( sleep "$(cat "$FAULT")"; kill -9 "$pid" 2>/dev/null ) &
  wait "$pid"
  exit $?
fi
if [ -f "$KEEP" ]; then
  mkdir -p @RUN@/criu-logs
  stamp=$(mktemp)
  "$REAL" "$@"
  rc=$?
  find @RUN@ /var/lib/checkpoint-studio-testbed -name restore.log -newer "$stamp" \
    -exec sh -c 'cp "$1" "@RUN@/criu-logs/$(date +%s%N).log"' _ {} \; 2>/dev/null
  rm -f "$stamp"
  exit $rc
fi
exec "$REAL" "$@"
