#!/bin/bash
# SET throughput at 50 clients with the AOF on, uredis-server vs redis-server, alternately:
#   benches/scripts/aof_always.sh [rounds] [requests] [policy]
# Each round starts each server on a fresh directory (--appendonly yes --appendfsync policy)
# and runs redis-benchmark -t set -c 50 -n requests -r 100000. Figures depend on the disk's
# fsync latency at that moment (shared machine): compare within a round, over several rounds.
rounds=${1:-4}; n=${2:-20000}; pol=${3:-always}
ours=${UREDIS:-target/release/uredis-server}
one() {
    local bin=$1 d port pid r
    d=$(mktemp -d -p "${DIR:-/tmp}")
    while :; do
        port=$((20000 + RANDOM % 20000))
        $bin --port $port --bind 127.0.0.1 --save '' --dir $d --appendonly yes \
            --appendfsync $pol --logfile $d/log >/dev/null 2>&1 &
        pid=$!
        for _ in $(seq 1 100); do redis-cli -p $port ping >/dev/null 2>&1 && break 2; sleep 0.05; done
        kill $pid 2>/dev/null; wait $pid 2>/dev/null
    done
    r=$(timeout 300 redis-benchmark -p $port -t set -c 50 -n $n -r 100000 -q 2>/dev/null \
        | tr '\r' '\n' | grep -o 'SET: [0-9.]*' | tail -1)
    kill $pid; wait $pid 2>/dev/null; rm -rf $d
    echo "${r#SET: }"
}
for i in $(seq 1 $rounds); do
    a=$(one redis-server); b=$(one $ours)
    echo "round $i: redis $a  uredis $b  ratio $(echo "scale=2; $b / $a" | bc)"
done
