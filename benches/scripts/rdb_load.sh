#!/bin/bash
# Start-up RDB load time, uredis-server vs redis-server, on the same file.
#
#   benches/scripts/rdb_load.sh make-keys 10000000 keys10m.rdb   # DEBUG POPULATE in redis-server
#   benches/scripts/rdb_load.sh make-mixed 2000000 mixed2m.rdb   # small hashes/lists/sets/zsets/intsets
#   benches/scripts/rdb_load.sh time <server-binary> <file.rdb>  # prints the server's own
#       "DB loaded from disk: X seconds" line, its CPU time (utime+stime) and RSS at that point
#
# The machine is shared: run the servers alternately, several times, and compare CPU times.
set -e
cmd=$1
case $cmd in
make-keys|make-mixed)
    n=$2; out=$(readlink -f "$3")
    d=$(mktemp -d); port=$((20000 + RANDOM % 20000))
    redis-server --port $port --bind 127.0.0.1 --save '' --dir $d --enable-debug-command yes \
        --logfile $d/log >/dev/null 2>&1 &
    pid=$!
    until redis-cli -p $port ping >/dev/null 2>&1; do sleep 0.1; done
    if [ $cmd = make-keys ]; then
        redis-cli -p $port DEBUG POPULATE $n >/dev/null
    else
        python3 - $n <<'PY' | redis-cli -p $port --pipe >/dev/null
import sys
out = sys.stdout.buffer
def cmd(*a):
    b = [b"*%d\r\n" % len(a)]
    for x in a:
        x = str(x).encode()
        b.append(b"$%d\r\n%s\r\n" % (len(x), x))
    return b"".join(b)
buf = []
for i in range(int(sys.argv[1])):
    k = i % 5
    if k == 0:
        a = ["HSET", "h:%d" % i]
        for j in range(8): a += ["field%d" % j, "value-%d-%d" % (i, j)]
    elif k == 1: a = ["RPUSH", "l:%d" % i] + ["item-%d-%d" % (i, j) for j in range(8)]
    elif k == 2: a = ["SADD", "s:%d" % i] + ["member-%d-%d" % (i, j) for j in range(8)]
    elif k == 3:
        a = ["ZADD", "z:%d" % i]
        for j in range(8): a += [str(j * 1.5), "m-%d-%d" % (i, j)]
    else: a = ["SADD", "i:%d" % i] + [str(i * 10 + j) for j in range(8)]
    buf.append(cmd(*a))
    if len(buf) >= 10000:
        out.write(b"".join(buf)); buf = []
out.write(b"".join(buf))
PY
    fi
    redis-cli -p $port SAVE >/dev/null
    mv $d/dump.rdb "$out"
    kill $pid; wait $pid 2>/dev/null || true; rm -rf $d
    ls -l "$out";;
time)
    bin=$2; rdb=$(readlink -f "$3")
    d=$(mktemp -d); ln -s "$rdb" $d/dump.rdb; port=$((20000 + RANDOM % 20000))
    $bin --port $port --bind 127.0.0.1 --save '' --dir $d --logfile $d/log >/dev/null 2>&1 &
    pid=$!
    until grep -q "DB loaded from disk\|Terminating\|aborting" $d/log 2>/dev/null; do sleep 0.05; done
    cpu=$(awk -v t=$(getconf CLK_TCK) '{printf "%.2f", ($14+$15)/t}' /proc/$pid/stat)
    rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
    kill $pid; wait $pid 2>/dev/null || true
    echo "$(basename $bin): $(grep -o 'DB loaded from disk: [0-9.]* seconds' $d/log) cpu=${cpu}s rss=${rss}kB"
    rm -rf $d;;
*) echo "usage: $0 make-keys|make-mixed N file | time binary file" >&2; exit 2;;
esac
