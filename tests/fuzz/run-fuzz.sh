#!/bin/sh
# Runs one libFuzzer target for a bounded time: new inputs go to a work
# folder in the build tree (never into the seed corpus in the sources),
# findings (crash-*, leak-*, timeout-*) beside them.
set -eu
target=$1 seeds=$2 work=$3 seconds=${XA_FUZZ_SECONDS:-20} runs=${XA_FUZZ_RUNS:-300000}
# A fixed seed and a cap on runs: CI explores the inputs a developer's run
# explored (a prefix of them on a slower machine), so a test that passed
# here does not fail there by luck. XA_FUZZ_SEED=0 fuzzes at random.
rm -rf "$work"
mkdir -p "$work"
# libFuzzer's own exit code for a finding is 77, which meson reads as
# "skipped": a finding must fail the test.
exec "$target" -seed="${XA_FUZZ_SEED:-1}" -runs="$runs" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 \
  -error_exitcode=1 -timeout_exitcode=1 \
  -artifact_prefix="$work/" "$work" "$seeds"
