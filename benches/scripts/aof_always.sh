#!/bin/bash
# SET throughput at 50 clients with the AOF on, uredis-server vs redis-server, alternately:
#   [DIR=/path] [UREDIS=bin] benches/scripts/aof_always.sh [rounds] [requests] [policy]
# Each round starts each server on a fresh directory under DIR (default /tmp) with
# --appendonly yes --appendfsync policy and runs redis-benchmark -t set -c 50 -n requests
# -r 100000. Figures depend on the disk's fsync latency at that moment (shared machine):
# each round first prints it (the mean of 100 O_DSYNC 200-byte appends with dd, about one
# fdatasync each), then both servers' SET/s, and, when `perf` can count the ext4 fsync
# tracepoint, the SETs each fsync carried (the group-commit size). Compare within a round,
# over several rounds; the last line is the median ratio.
#
# A fast disk can be had with a loop device on tmpfs (root), e.g.
#   truncate -s 1G /dev/shm/aof.img && mkfs.ext4 -q -F /dev/shm/aof.img &&
#   mount "$(losetup -f --show /dev/shm/aof.img)" /mnt/fast && DIR=/mnt/fast benches/...
rounds=${1:-4}; n=${2:-20000}; pol=${3:-always}
ours=${UREDIS:-target/release/uredis-server}
base=${DIR:-/tmp}
perf_ok=0
perf stat -e ext4:ext4_sync_file_enter -- true >/dev/null 2>&1 && perf_ok=1
fsync_ms() {
    local f=$base/aof-always-probe.$$
    dd if=/dev/zero of=$f bs=200 count=100 oflag=dsync 2>&1 | tail -1 |
        awk '{printf "%.3f", $8 * 1000 / 100}'
    rm -f $f
}
one() {
    local bin=$1 d port pid r fs=""
    d=$(mktemp -d -p "$base")
    while :; do
        port=$((20000 + RANDOM % 20000))
        $bin --port $port --bind 127.0.0.1 --save '' --dir $d --appendonly yes \
            --appendfsync $pol --logfile $d/log >/dev/null 2>&1 &
        pid=$!
        for _ in $(seq 1 100); do redis-cli -p $port ping >/dev/null 2>&1 && break 2; sleep 0.05; done
        kill $pid 2>/dev/null; wait $pid 2>/dev/null
    done
    local ppid=""
    if [ $perf_ok = 1 ]; then
        perf stat -x, -e ext4:ext4_sync_file_enter -p $pid -o $d/perf 2>/dev/null &
        ppid=$!
        sleep 0.2
    fi
    r=$(timeout 300 redis-benchmark -p $port -t set -c 50 -n $n -r 100000 -q 2>/dev/null \
        | tr '\r' '\n' | grep -o 'SET: [0-9.]*' | tail -1)
    if [ -n "$ppid" ]; then
        kill -INT $ppid; wait $ppid 2>/dev/null
        fs=$(cut -d, -f1 $d/perf 2>/dev/null | grep -E '^[0-9]+$' | head -1)
    fi
    kill $pid; wait $pid 2>/dev/null; rm -rf $d
    if [ -n "$fs" ] && [ "$fs" -gt 0 ]; then
        echo "${r#SET: } $(echo "scale=1; $n / $fs" | bc)"
    else
        echo "${r#SET: } -"
    fi
}
ratios=()
for i in $(seq 1 $rounds); do
    ms=$(fsync_ms)
    read a ga <<< "$(one redis-server)"
    read b gb <<< "$(one $ours)"
    ratio=$(echo "scale=2; $b / $a" | bc)
    ratios+=("$ratio")
    echo "round $i: fsync ${ms} ms  redis $a (SETs/fsync $ga)  uredis $b (SETs/fsync $gb)  ratio $ratio"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf "median ratio %.2f over %d rounds\n", m, NR }'
