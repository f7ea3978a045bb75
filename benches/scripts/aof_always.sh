#!/bin/bash
# SET throughput at 50 clients with the AOF on, uredis-server vs redis-server, alternately:
#   [DIR=/path] [UREDIS=bin] [CEILING=1] benches/scripts/aof_always.sh [rounds] [requests] [policy]
# Each round starts each server on a fresh directory under DIR (default /tmp) with
# --appendonly yes --appendfsync policy and runs redis-benchmark -t set -c 50 -n requests
# -r 100000. Figures depend on the disk's fsync latency at that moment (shared machine):
# each round first prints it (the mean of 200 O_DSYNC 200-byte appends with dd, about one
# fdatasync each), then both servers' SET/s, and, when `perf` can count the ext4 fsync
# tracepoint, the SETs each fsync carried (the group-commit size). Compare within a round,
# over several rounds; the last line is the median ratio.
#
# CPU per SET (µs) is printed for each run: the server process (all its threads: io_uring's
# io-wq workers, Redis's bio threads), its main thread (the rest is the io-wq workers that ran
# the fsyncs), the jbd2 thread of DIR's device when it has a journal,
# and redis-benchmark itself. With CEILING=1 each round also runs both servers with
# --appendonly no: uredis without any AOF bounds what uredis with one can reach, so
# "ceiling" = uredis(no AOF) / redis(policy) is the most the ratio can be in that round. When
# the two cores are saturated (other jobs, or client + server + disk work), throughput goes as
# 1 / (CPU per SET of everything involved): the "CPU-bound ceiling" is
# (redis-benchmark + redis with the policy + jbd2) / (redis-benchmark + uredis without AOF).
#
# Disks: / (virtio, no journal) has 0.1-0.3 ms fsyncs when the machine is quiet and several ms
# when other jobs write. A fast disk of its own (no other writer; ~0.03 ms fsyncs) is ext4 on
# the zram device (root):
#   echo 512M > /sys/block/zram0/disksize && mkfs.ext4 -q /dev/zram0 &&
#   mkdir -p /mnt/zram && mount /dev/zram0 /mnt/zram && DIR=/mnt/zram benches/...
# (its "disk" work, compression, runs on the same two CPUs). A loop device on tmpfs works too
# (truncate -s 1G /dev/shm/aof.img && mkfs.ext4 -q -F /dev/shm/aof.img &&
#  mount "$(losetup -f --show /dev/shm/aof.img)" /mnt/fast), but its fsyncs go through a loop
# kworker and take 0.1-2 ms on a busy machine.
rounds=${1:-4}; n=${2:-20000}; pol=${3:-always}
ours=${UREDIS:-target/release/uredis-server}
base=${DIR:-/tmp}
tck=$(getconf CLK_TCK)
perf_ok=0
perf stat -e ext4:ext4_sync_file_enter -- true >/dev/null 2>&1 && perf_ok=1
dev=$(basename "$(findmnt -n -o SOURCE --target "$base" 2>/dev/null)" 2>/dev/null)
jbd=$(pgrep -x "jbd2/${dev}-8" 2>/dev/null | head -1)
# utime + stime of a process or thread (all threads, dead ones included, for a process).
ticks() {
    local s
    s=$(cat /proc/$1/stat 2>/dev/null) || { echo 0; return; }
    s=${s#*) }
    set -- $s
    echo $((${12} + ${13}))
}
fsync_ms() {
    local f=$base/aof-always-probe.$$
    dd if=/dev/zero of=$f bs=200 count=200 oflag=dsync 2>&1 | tail -1 |
        awk '{printf "%.3f", $8 * 1000 / 200}'
    rm -f $f
}
# one <bin> <policy|off>: prints "rps sets_per_fsync server_us jbd2_us client_us loop_us"
one() {
    local bin=$1 p=$2 d port pid r fs="" aof
    d=$(mktemp -d -p "$base")
    aof="--appendonly yes --appendfsync $p"
    [ "$p" = off ] && aof="--appendonly no"
    while :; do
        port=$((20000 + RANDOM % 20000))
        $bin --port $port --bind 127.0.0.1 --save '' --dir $d $aof \
            --logfile $d/log >/dev/null 2>&1 &
        pid=$!
        for _ in $(seq 1 100); do redis-cli -p $port ping >/dev/null 2>&1 && break 2; sleep 0.05; done
        kill $pid 2>/dev/null; wait $pid 2>/dev/null
    done
    local ppid=""
    if [ $perf_ok = 1 ] && [ "$p" != off ]; then
        perf stat -x, -e ext4:ext4_sync_file_enter -p $pid -o $d/perf 2>/dev/null &
        ppid=$!
        sleep 0.2
    fi
    local s0 j0=0 s1 j1=0 m0 m1
    s0=$(ticks $pid)
    m0=$(ticks $pid/task/$pid)
    [ -n "$jbd" ] && j0=$(ticks $jbd)
    /usr/bin/time -o $d/time -f "%U %S" timeout 300 redis-benchmark -p $port -t set -c 50 \
        -n $n -r 100000 -q 2>/dev/null >$d/out
    s1=$(ticks $pid)
    m1=$(ticks $pid/task/$pid)
    [ -n "$jbd" ] && j1=$(ticks $jbd)
    r=$(tr '\r' '\n' <$d/out | grep -o 'SET: [0-9.]*' | tail -1)
    if [ -n "$ppid" ]; then
        kill -INT $ppid; wait $ppid 2>/dev/null
        fs=$(cut -d, -f1 $d/perf 2>/dev/null | grep -E '^[0-9]+$' | head -1)
    fi
    local cl
    cl=$(tail -1 $d/time 2>/dev/null | awk -v n=$n '{printf "%.1f", ($1 + $2) * 1e6 / n}')
    kill $pid; wait $pid 2>/dev/null; rm -rf $d
    local g="-"
    [ -n "$fs" ] && [ "$fs" -gt 0 ] && g=$(echo "scale=1; $n / $fs" | bc)
    echo "${r#SET: } $g $(echo "scale=1; ($s1 - $s0) * 1000000 / $tck / $n" | bc) \
$(echo "scale=1; ($j1 - $j0) * 1000000 / $tck / $n" | bc) ${cl:--} \
$(echo "scale=1; ($m1 - $m0) * 1000000 / $tck / $n" | bc)"
}
ratios=()
ceilings=()
cpuceils=()
for i in $(seq 1 $rounds); do
    ms=$(fsync_ms)
    read a ga ca ja ka la <<<"$(one redis-server $pol)"
    read b gb cb jb kb lb <<<"$(one $ours $pol)"
    ratio=$(echo "scale=2; $b / $a" | bc)
    ratios+=("$ratio")
    echo "round $i: fsync ${ms} ms  redis $a (SETs/fsync $ga)  uredis $b (SETs/fsync $gb)  ratio $ratio"
    echo "  CPU us/SET: redis $ca (main thread $la, +jbd2 $ja)  uredis $cb (loop $lb, +jbd2 $jb)" \
        " redis-benchmark $ka / $kb"
    if [ -n "$CEILING" ]; then
        read ro _ rc _ rk _ <<<"$(one redis-server off)"
        read uo _ uc _ uk _ <<<"$(one $ours off)"
        ceil=$(echo "scale=2; $uo / $a" | bc)
        ceilings+=("$ceil")
        # Both cores saturated: throughput goes as 1 / (all CPU per SET), client included.
        cpuceil=$(echo "scale=2; ($ka + $ca + $ja) / ($uk + $uc)" | bc)
        cpuceils+=("$cpuceil")
        echo "  no AOF: redis $ro (${rc} us/SET)  uredis $uo (${uc} us/SET)  ceiling $ceil" \
            "(uredis no AOF / redis $pol)  redis-benchmark $rk / $uk"
        echo "  CPU-bound ceiling $cpuceil: (redis-benchmark + redis $pol + jbd2) /" \
            "(redis-benchmark + uredis no AOF), CPU per SET"
    fi
done
median() {
    sort -n | awk '{a[NR]=$1} END {
        m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
        printf "%.2f over %d rounds", m, NR }'
}
echo "median ratio $(printf '%s\n' "${ratios[@]}" | median)"
if [ -n "$CEILING" ]; then
    echo "median ceiling $(printf '%s\n' "${ceilings[@]}" | median)"
    echo "median CPU-bound ceiling $(printf '%s\n' "${cpuceils[@]}" | median)"
fi
