# What the benchmark scripts share. Sourced, not run.

# Runs "$@" (its output and status ignored) and prints how long it took, in
# seconds with three decimals.
seconds() {
  local start=$EPOCHREALTIME
  "$@" >/dev/null 2>&1 || true
  awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.3f", b - a}'
}

# The median of the numbers on stdin, one a line.
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Times the commands $2 and $3 (each one word: a function or a program run
# without arguments) $1 times each, alternately, so load drifts hit both
# alike. Sets the arrays times_a and times_b, and median_a and median_b.
time_alternately() {
  local runs=$1 a=$2 b=$3 i
  times_a=() times_b=()
  for ((i = 0; i < runs; i++)); do
    times_a+=("$(seconds "$a")")
    times_b+=("$(seconds "$b")")
  done
  median_a=$(printf '%s\n' "${times_a[@]}" | median)
  median_b=$(printf '%s\n' "${times_b[@]}" | median)
}
