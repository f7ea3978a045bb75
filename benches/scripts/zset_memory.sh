#!/bin/bash
# Memory per member of one big sorted set, uredis-server vs redis-server in the same run.
#
#   benches/scripts/zset_memory.sh [members] [uredis-binary] [redis-binary]
#       defaults: 1000000, target/release/uredis-server, redis-server
#
# Loads `ZADD z <i> member:<i>` for i in 0..members into a fresh server of each kind (in
# batches of 1000 members per ZADD, piped with redis-cli --pipe) and prints, per member, the
# growth of INFO used_memory and of the process's RSS, and the uredis/redis ratios.
# Set MEMBER_FMT to change the member (a printf format taking i), e.g. 'element:%012d' (the
# load benchmark's ZADD members). The machine is shared: RSS moves a little between runs;
# used_memory does not.
set -e
n=${1:-1000000}
ubin=$(readlink -f "${2:-target/release/uredis-server}")
rbin=${3:-redis-server}
fmt=${MEMBER_FMT:-member:%d}

measure() {
    local bin=$1 d port pid used0 used1 rss0 rss1
    d=$(mktemp -d)
    # A random port may be taken (by another server, which must not receive our load): retry
    # until the server that answers is the one we started.
    while :; do
        port=$((20000 + RANDOM % 20000))
        $bin --port $port --bind 127.0.0.1 --save '' --appendonly no --dir $d \
            --logfile $d/log >/dev/null 2>&1 &
        pid=$!
        while kill -0 $pid 2>/dev/null &&
            [ "$(redis-cli -p $port info server 2>/dev/null | tr -d '\r' |
                awk -F: '/^process_id:/{print $2}')" != "$pid" ]; do sleep 0.05; done
        kill -0 $pid 2>/dev/null && break
        wait $pid 2>/dev/null || true
    done
    sleep 0.3
    used0=$(redis-cli -p $port info memory | awk -F: '/^used_memory:/{print $2+0}')
    rss0=$(awk '/VmRSS/{print $2 * 1024}' /proc/$pid/status)
    python3 - "$n" "$fmt" <<'PY' | redis-cli -p $port --pipe >/dev/null
import sys
n, fmt = int(sys.argv[1]), sys.argv[2]
out = sys.stdout.buffer
def cmd(a):
    b = [b"*%d\r\n" % len(a)]
    for x in a:
        b.append(b"$%d\r\n%s\r\n" % (len(x), x))
    return b"".join(b)
i = 0
while i < n:
    a = [b"ZADD", b"z"]
    for j in range(i, min(n, i + 1000)):
        a += [b"%d" % j, (fmt % j).encode()]
    out.write(cmd(a))
    i += 1000
PY
    sleep 1.5
    used1=$(redis-cli -p $port info memory | awk -F: '/^used_memory:/{print $2+0}')
    rss1=$(awk '/VmRSS/{print $2 * 1024}' /proc/$pid/status)
    card=$(redis-cli -p $port zcard z)
    enc=$(redis-cli -p $port object encoding z)
    kill $pid; wait $pid 2>/dev/null || true; rm -rf $d
    [ "$card" = "$n" ] || { echo "$(basename $bin): ZCARD $card, expected $n" >&2; exit 1; }
    echo "$(( (used1 - used0) )) $(( (rss1 - rss0) )) $enc"
}

read -r uused urss uenc <<<"$(measure "$ubin")"
read -r rused rrss renc <<<"$(measure "$rbin")"
awk -v n=$n -v uu=$uused -v ur=$urss -v ru=$rused -v rr=$rrss -v ue=$uenc -v re=$renc -v f="$fmt" 'BEGIN {
    printf "%d members (%s; uredis %s, redis %s), bytes per member:\n", n, f, ue, re
    printf "  used_memory  uredis %6.1f  redis %6.1f  ratio %.2f\n", uu / n, ru / n, uu / ru
    printf "  RSS          uredis %6.1f  redis %6.1f  ratio %.2f\n", ur / n, rr / n, ur / rr
}'
