#!/bin/sh
# Entry point of livecode's image. A container's cgroup file system is mounted read-only even when
# the container has its own cgroup namespace (which shows only its own subtree); the processes
# that run code (serve, worker) remount it writable, which CAP_SYS_ADMIN allows, so that run
# cgroups can be made under the container's own cgroup. The api process never needs it.
set -e
case "$1" in
serve | worker | run | doctor)
	if ! [ -w /sys/fs/cgroup ] || grep -q ' /sys/fs/cgroup [^ ]* ro,' /proc/self/mountinfo; then
		mount -o remount,rw /sys/fs/cgroup 2>/dev/null || echo "livecode: cannot remount /sys/fs/cgroup writable (CAP_SYS_ADMIN missing?)" >&2
	fi
	;;
esac
exec livecode "$@"
