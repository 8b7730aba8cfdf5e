#!/usr/bin/env bash
# Solves the benchmark instances (bench/instances, written by bench/gen) with
# `mutasi select` and with scipy.optimize.linear_sum_assignment
# (bench/scipy_solve.py, run with Debian's /usr/bin/python3 and its
# python3-scipy), checks that both fill the same number of seats with the
# same total (within 1e-6 relative), and prints the time ratios.
#
#   bench/compare.sh [instance ...]     (default: all four)
#
# Environment: DATA (default bench/data) holds the instances and the mutasi
# binary; SCIPY_TIMEOUT (default 1800 s) bounds each scipy run; SCIPY_MAX_GB
# (default 8) is the largest dense matrix scipy is allowed to build.
#
# Times: "wall" is the whole process (reading the CSV included) and "solve"
# is the assignment only, as each program reports it (mutasi: Assign, which
# includes indexing the names and sorting the lists; scipy: the
# linear_sum_assignment call, not building the dense matrix). Memory is the
# peak resident set size from /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=/usr/bin/python3
DATA=${DATA:-bench/data}
SCIPY_TIMEOUT=${SCIPY_TIMEOUT:-1800}
SCIPY_MAX_GB=${SCIPY_MAX_GB:-8}
instances=("$@")
if [ ${#instances[@]} -eq 0 ]; then
  instances=(city-independent city-correlated province-independent province-correlated)
fi

if ! "$PY" -c 'import scipy' 2>/dev/null; then
  echo "scipy is missing: apt-get install -y python3-scipy" >&2
  exit 1
fi
mkdir -p "$DATA"
go build -o "$DATA/mutasi" ./cmd/mutasi
go run ./bench/gen -out "$DATA" -only "$(IFS=,; echo "${instances[*]}")"

# field NAME FILE prints the value of NAME=value on the last line of FILE
# that has it.
field() { grep -o "$1=[^ ]*" "$2" | tail -n 1 | cut -d= -f2 | tr -d 's'; }

status=0
printf '\n%-22s %9s %9s %8s | %9s %9s %8s | %7s %7s | %s\n' instance mutasi-wall mutasi-solve mutasi-MB \
  scipy-wall scipy-solve scipy-MB wall-x solve-x result
for inst in "${instances[@]}"; do
  dir="$DATA/$inst"
  /usr/bin/time -f 'wall=%e rss=%M' -o "$dir/mutasi.time" \
    "$DATA/mutasi" select --pairs "$dir/pairs.csv" --seats "$dir/seats.csv" --timing \
    >"$dir/mutasi.csv" 2>"$dir/mutasi.err"
  m_total=$(field total "$dir/mutasi.err"); m_n=$(field assigned "$dir/mutasi.err")
  m_solve=$(field solve "$dir/mutasi.err"); m_wall=$(field wall "$dir/mutasi.time")
  m_mb=$(( $(field rss "$dir/mutasi.time") / 1024 ))

  set +e
  /usr/bin/time -f 'wall=%e rss=%M' -o "$dir/scipy.time" timeout "$SCIPY_TIMEOUT" \
    "$PY" bench/scipy_solve.py --pairs "$dir/pairs.csv" --seats "$dir/seats.csv" --max-gb "$SCIPY_MAX_GB" \
    >"$dir/scipy.out" 2>&1
  rc=$?
  set -e
  if [ $rc -ne 0 ]; then
    why="exit $rc"
    [ $rc -eq 124 ] && why="timed out after ${SCIPY_TIMEOUT}s"
    [ $rc -eq 3 ] && why=$(tail -n 1 "$dir/scipy.out")
    printf '%-22s %9s %9s %8s | %s\n' "$inst" "$m_wall" "$m_solve" "$m_mb" "scipy did not run: $why"
    echo "  mutasi: total=$m_total assigned=$m_n"
    continue
  fi
  s_total=$(field total "$dir/scipy.out"); s_n=$(field assigned "$dir/scipy.out")
  s_solve=$(field solve "$dir/scipy.out"); s_wall=$(field wall "$dir/scipy.time")
  s_mb=$(( $(field rss "$dir/scipy.time") / 1024 ))
  verdict=$("$PY" - "$m_total" "$s_total" "$m_n" "$s_n" <<'EOF'
import sys
m, s, mn, sn = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ok = mn == sn and abs(m - s) <= 1e-6 * max(1.0, abs(s))
print(("same" if ok else "DIFFERENT") + f" (total {m!r} vs {s!r}, assigned {mn} vs {sn})")
EOF
)
  case $verdict in DIFFERENT*) status=1 ;; esac
  ratio() { "$PY" -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{b / max(a, 1e-9):.1f}')" "$1" "$2"; }
  printf '%-22s %9s %9s %8s | %9s %9s %8s | %7s %7s | %s\n' "$inst" "$m_wall" "$m_solve" "$m_mb" \
    "$s_wall" "$s_solve" "$s_mb" "$(ratio "$m_wall" "$s_wall")" "$(ratio "$m_solve" "$s_solve")" "$verdict"
done
echo
echo "wall-x and solve-x: scipy's time divided by mutasi's (above 1: mutasi is faster)."
exit $status
