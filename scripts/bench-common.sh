# shellcheck shell=bash
# What the loopback load benchmarks (scripts/bench-server, scripts/bench-growth) share: sourced by
# them, not run. Expects `set -euo pipefail` and the repository root as the working directory.
#
# A script parses its own options and hands the others to `common_option`, calls `bench_setup`
# (tools, temporary directory, cleanup on exit) and `build_release`, starts its targets with
# `start_postgres`, `start_trellis` and `start_nginx`, fills URL[TARGET] and COOKIE[TARGET], measures
# with `run_rounds TARGETS...` and prints the result with `print_report DESCRIPTION TARGETS...`.

DURATION=10s
WARMUP=3s
ROUNDS=3
CONNECTIONS=64
THREADS=2
declare -A URL COOKIE # TARGET → the URL wrk loads, the session cookie it sends ("name=value")
declare -A RESULT     # TARGET → wrk's output files of its rounds
PIDS=()               # every process started here, in order: stopped on exit

log() { printf '== %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# The header comment of the script, without the comment signs.
usage() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; }

# Handles an option every benchmark takes; sets SHIFT to the number of arguments it used.
# shellcheck disable=SC2034 # SHIFT is for the caller
common_option() { # ARGS...
    case $1 in
        --duration) DURATION=$2; SHIFT=2 ;;
        --warmup) WARMUP=$2; SHIFT=2 ;;
        --rounds) ROUNDS=$2; SHIFT=2 ;;
        --connections) CONNECTIONS=$2; SHIFT=2 ;;
        --threads) THREADS=$2; SHIFT=2 ;;
        -h | --help) usage; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
}

# --- Tools. ---------------------------------------------------------------------------------------
pg_bindir() {
    local dir
    # shellcheck disable=SC2012 # the directories are named by version numbers
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then echo "$dir"; return 0; fi
    done
    return 1
}

# Installs what is missing from Debian packages, creates WORK and stops everything on exit.
bench_setup() { # [postgres]: PostgreSQL is needed too
    local sudo=() missing=()
    if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
    command -v wrk >/dev/null || missing+=(wrk)
    command -v curl >/dev/null || missing+=(curl)
    command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
    if [[ ${1:-} == postgres ]]; then pg_bindir >/dev/null || missing+=(postgresql); fi
    if [[ ${#missing[@]} -gt 0 ]]; then
        log "installing ${missing[*]} (Debian packages)"
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    fi
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    PG_BIN=
    if [[ ${1:-} == postgres ]]; then
        PG_BIN=$(pg_bindir) || die "PostgreSQL installed but initdb/pg_ctl not found"
    fi

    WORK=$(mktemp -d "${TMPDIR:-/tmp}/trellis-bench.XXXXXX")
    chmod 755 "$WORK" # nginx workers (user nobody when run as root) read the pages from here
    # initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user.
    as_pg=()
    if [[ -n $PG_BIN && $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
        as_pg=(runuser -u postgres --)
    fi
    trap cleanup EXIT
    trap 'exit 130' INT TERM
}

# --- Cleanup: every process started here, by PID. --------------------------------------------------
stop_pid() { # PID [grace seconds]: TERM, then KILL after the grace period
    local pid=$1 grace=${2:-10} i
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < grace * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
forget_pid() { # PID: stopped already, so that a later process with the same PID is left alone
    local pid kept=()
    for pid in "${PIDS[@]}"; do [[ $pid == "$1" ]] || kept+=("$pid"); done
    PIDS=("${kept[@]}")
}
cleanup() {
    local pid
    # The servers first, then the cluster they use.
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    if [[ -f $WORK/pg/data/postmaster.pid ]]; then
        "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m fast -t 30 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 40000))
        port_in_use "$port" || { echo "$port"; return 0; }
    done
    die "no free port found"
}

# --- Build. ---------------------------------------------------------------------------------------
build_release() { # sets TRELLIS
    log "cargo build --release -p trellis-cli --locked"
    timeout 3600 cargo build --release -p trellis-cli --locked
    TRELLIS=${CARGO_TARGET_DIR:-target}/release/trellis
    [[ -x $TRELLIS ]] || die "$TRELLIS not found after the build"
}

# --- PostgreSQL: a throwaway cluster. -------------------------------------------------------------
start_postgres() { # sets PG_URL
    mkdir -p "$WORK/pg"
    if [[ ${#as_pg[@]} -gt 0 ]]; then chown postgres: "$WORK/pg"; fi
    "${as_pg[@]}" "$PG_BIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust --encoding=UTF8 --locale=C \
        >"$WORK/pg/initdb.log" 2>&1 || { cat "$WORK/pg/initdb.log" >&2; exit 1; }
    local port
    for _ in 1 2 3 4 5; do
        port=$(free_port)
        # Default durability settings: unlike scripts/test, this cluster should behave like a real one.
        if "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/server.log" -w -t 60 start \
            -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$WORK/pg'" >/dev/null; then
            # shellcheck disable=SC2034 # for the caller
            PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
            log "PostgreSQL $("$PG_BIN/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port"
            return 0
        fi
    done
    cat "$WORK/pg/server.log" >&2 || true
    die "could not start PostgreSQL"
}

# --- trellis serve. --------------------------------------------------------------------------------
# The password of the demo accounts (`serve --demo` and `trellis demo`): fresh for every run.
DEMO_PASSWORD="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"

start_trellis() { # TARGET DATABASE_URL [serve arguments...]: sets STARTED_PID and STARTED_BASE
    local target=$1 db=$2 out base='' i
    shift 2
    out="$WORK/serve-$RANDOM.out"
    : >"$out" # before the background start, so that it is there to read at once
    TRELLIS_DEMO_PASSWORD=$DEMO_PASSWORD "$TRELLIS" serve --addr 127.0.0.1:0 --database-url "$db" "$@" \
        >>"$out" 2>&1 </dev/null &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
    for ((i = 0; i < 600; i++)); do
        kill -0 "$STARTED_PID" 2>/dev/null || { cat "$out" >&2; die "trellis serve ($target) exited"; }
        base=$(sed -n 's|^Trellis is running at \(http://127\.0\.0\.1:[0-9]*\)/ .*|\1|p' "$out")
        [[ -n $base ]] && curl -fsS -m 2 -o /dev/null "$base/healthz" 2>/dev/null && break
        sleep 0.1
    done
    curl -fsS -m 2 -o /dev/null "$base/healthz" || { cat "$out" >&2; die "trellis serve ($target) is not answering"; }
    log "$target at $base (PID $STARTED_PID)"
    # shellcheck disable=SC2034 # for the caller
    STARTED_BASE=$base
}

# Signs in with curl (anti-forgery token from the form, cookie jar) and sets SESSION to the session
# cookie ("name=value").
sign_in() { # BASE EMAIL
    local base=$1 email=$2 jar="$WORK/cookies" form token status
    rm -f "$jar"
    form=$(curl -fsS -m 10 -c "$jar" -b "$jar" "$base/sign-in")
    token=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' <<<"$form" | head -n 1)
    [[ -n $token ]] || die "no anti-forgery token in the sign-in form"
    status=$(curl -sS -m 30 -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
        --data-urlencode "csrf_token=$token" --data-urlencode "email=$email" \
        --data-urlencode "password=$DEMO_PASSWORD" --data-urlencode "next=/" "$base/sign-in")
    [[ $status == 303 ]] || die "signing in as $email answered $status, not 303"
    SESSION=$(awk -F'\t' '$6 == "__Host-trellis_session" { print $6 "=" $7 }' "$jar")
    [[ -n $SESSION ]] || die "no session cookie after signing in as $email"
}

# Fetches URL once with the session cookie into FILE.
http_get() { # FILE URL COOKIE: sets HTTP_STATUS and HTTP_TYPE (the Content-Type)
    local out
    out=$(curl -sS -m 30 -o "$1" -w '%{http_code} %{content_type}' -H "Cookie: $3" "$2")
    HTTP_STATUS=${out%% *}
    HTTP_TYPE=${out#* }
}

# --- nginx serving pages' bytes. -------------------------------------------------------------------
# Serves each FILE at exactly PATH with Content-Type TYPE, as the page's origin sent it.
start_nginx() { # TARGET PATH FILE TYPE [PATH FILE TYPE...]: sets NGINX_BASE
    local target=$1 dir="$WORK/nginx" port i n locations=
    shift
    mkdir -p "$dir/www" "$dir/tmp"
    chmod 755 "$dir" "$dir/www"
    local -a paths=() files=() types=()
    while [[ $# -gt 0 ]]; do
        n=${#paths[@]}
        paths+=("$1") files+=("$2") types+=("$3")
        cp "$2" "$dir/www/page-$n"
        chmod 644 "$dir/www/page-$n"
        # `types {}`: no file-name extension decides the type, only default_type.
        locations+="
        location = $1 {
            alias $dir/www/page-$n;
            types {}
            default_type \"$3\";
        }"
        shift 3
    done
    for _ in 1 2 3 4 5; do
        port=$(free_port)
        cat >"$dir/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 65s;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    server {
        listen 127.0.0.1:$port;$locations
    }
}
EOF
        "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" </dev/null >"$dir/stdout" 2>&1 &
        NGINX_PID=$!
        PIDS+=("$NGINX_PID")
        for ((i = 0; i < 100; i++)); do
            kill -0 "$NGINX_PID" 2>/dev/null || break
            if curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$port${paths[0]}" 2>/dev/null; then
                NGINX_BASE="http://127.0.0.1:$port"
                log "$target: nginx $("$NGINX" -v 2>&1 | sed 's|.*/||') at 127.0.0.1:$port (PID $NGINX_PID)"
                for n in "${!paths[@]}"; do
                    http_get "$dir/check" "$NGINX_BASE${paths[$n]}" ""
                    if [[ $HTTP_STATUS != 200 || $HTTP_TYPE != "${types[$n]}" ]] || ! cmp -s "${files[$n]}" "$dir/check"; then
                        die "nginx does not serve the identical bytes at ${paths[$n]} as ${types[$n]}"
                    fi
                done
                return 0
            fi
            sleep 0.1
        done
        stop_pid "$NGINX_PID"
        forget_pid "$NGINX_PID"
    done
    cat "$dir/error.log" "$dir/stdout" >&2 || true
    die "could not start nginx"
}

# --- wrk. -----------------------------------------------------------------------------------------
to_seconds() { # 10s, 2m, 500ms → whole seconds
    case $1 in
        *ms) echo $((${1%ms} / 1000 + 1)) ;;
        *s) echo "${1%s}" ;;
        *m) echo $((${1%m} * 60)) ;;
        *h) echo $((${1%h} * 3600)) ;;
        *) echo "$1" ;;
    esac
}
wrk_run() { # TARGET DURATION OUT
    local limit=$(($(to_seconds "$DURATION") + $(to_seconds "$WARMUP") + 60))
    timeout "$limit" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency -H "Cookie: ${COOKIE[$1]}" "${URL[$1]}" >"$3"
    if grep -q 'Non-2xx or 3xx responses' "$3"; then
        sed 's/^/    /' "$3" >&2
        # What one request answers now, and what the servers said, to tell why.
        curl -sS -m 10 -o "$WORK/failed.body" -w '    now: HTTP %{http_code}\n' \
            -H "Cookie: ${COOKIE[$1]}" "${URL[$1]}" >&2 || true
        head -c 600 "$WORK/failed.body" 2>/dev/null | sed 's/^/    /' >&2 || true
        tail -n 20 "$WORK"/serve-*.out 2>/dev/null | sed 's/^/    /' >&2 || true
        die "$1 answered with errors (above)"
    fi
    if grep -q 'Socket errors' "$3"; then log "$1: $(grep 'Socket errors' "$3")"; fi
    # wrk counts redirects as answers: a session that ended during the run would be measured as
    # fast redirects to the sign-in page. The page must still answer 200.
    local status
    status=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -H "Cookie: ${COOKIE[$1]}" "${URL[$1]}") || status=none
    [[ $status == 200 ]] || die "$1 answers $status after the run, not 200"
}

# A warm-up run of each target, then ROUNDS rounds that each measure every target in turn (only one
# under load at a time): interleaving makes the ratios robust to other load on the machine.
run_rounds() { # TARGETS...: fills RESULT, sets LOAD_BEFORE and LOAD_AFTER
    local t i round out targets=("$@")
    LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
    for t in "${targets[@]}"; do
        log "$t: warm-up ($WARMUP)"
        wrk_run "$t" "$WARMUP" "$WORK/warmup.txt"
    done
    for ((round = 1; round <= ROUNDS; round++)); do
        for i in "${!targets[@]}"; do
            t=${targets[$i]}
            out="$WORK/wrk-$i-$round.txt"
            log "round $round/$ROUNDS, $t: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency ${URL[$t]}"
            wrk_run "$t" "$DURATION" "$out"
            sed -n -e 's/^/    /' -e '/Latency  /p' -e '/ 50%/p' -e '/ 99%/p' -e '/Requests\/sec/p' "$out" >&2
            RESULT[$t]+="$out "
        done
    done
    LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
}

# The round with the median requests per second: "rps p50 p99".
median_round() { # FILES...
    local f
    for f in "$@"; do
        awk '/^Requests\/sec:/ { r = $2 } $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
             END { if (r == "" || p50 == "" || p99 == "") exit 1; print r, p50, p99 }' "$f" ||
            die "could not read wrk's output in $f"
    done | sort -n -k1,1 | awk '{ line[NR] = $0 } END { print line[int((NR + 1) / 2)] }'
}

# --- Report. ---------------------------------------------------------------------------------------
# A Markdown table of the targets' median rounds, after a heading that starts with DESCRIPTION; the
# last target is the reference for the ratios. A table row names the target by what follows the last
# ": " of its name (scripts measuring several pages name their targets "PAGE: TARGET").
print_report() { # DESCRIPTION TARGETS...
    local description=$1 t cpu ratio rps reference
    shift
    local -A rps_of p50_of p99_of all_of
    for t in "$@"; do
        # shellcheck disable=SC2086 # the list of files
        read -r "rps_of[$t]" "p50_of[$t]" "p99_of[$t]" <<<"$(median_round ${RESULT[$t]})"
        [[ -n ${p99_of[$t]} ]] || die "no figures for $t"
        # shellcheck disable=SC2086
        all_of[$t]=$(awk '/^Requests\/sec:/ { printf "%s%.0f", sep, $2; sep = ", " }' ${RESULT[$t]})
    done
    reference=${rps_of[${!#}]}
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    echo
    echo "$description; $(date -u +%Y-%m-%d),"
    echo "$(nproc) cores ($cpu); load average before the rounds $LOAD_BEFORE, after $LOAD_AFTER."
    echo "\`wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency\` on 127.0.0.1, one target at a time, after a $WARMUP warm-up;"
    echo "the median of $ROUNDS interleaved rounds (by req/s; p50 and p99 from that round)."
    echo
    echo "| target | req/s | p50 | p99 | ratio to nginx | req/s of each round |"
    echo "|---|---:|---:|---:|---:|---|"
    for t in "$@"; do
        ratio=$(awk -v a="${rps_of[$t]}" -v b="$reference" 'BEGIN { printf "%.2f", a / b }')
        rps=$(awk -v a="${rps_of[$t]}" 'BEGIN { printf "%.0f", a }')
        echo "| ${t##*: } | $rps | ${p50_of[$t]} | ${p99_of[$t]} | $ratio | ${all_of[$t]} |"
    done
}
