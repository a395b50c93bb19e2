#!/bin/sh
# The test bed's criu, first on the daemons' PATH. It is CRIU itself — unless a test has written a
# delay (seconds) into the fault file: then each CRIU run is killed that long after it starts, as a
# crash of CRIU in the middle of a dump would be. Test bed only; never installed for users.
REAL=@REAL@
FAULT=@RUN@/faults/kill-criu-after
if [ -f "$FAULT" ]; then
  "$REAL" "$@" &
  pid=$!
  ( sleep "$(cat "$FAULT")"; kill -9 "$pid" 2>/dev/null ) &
  wait "$pid"
  exit $?
fi
exec "$REAL" "$@"
