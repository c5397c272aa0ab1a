#!/usr/bin/env bash
# A study as a Slurm job array: one array task per run of DIR/manifest.csv.
#
#   backsim expand STUDY.toml -o DIR
#   sbatch --array=1-$(( $(wc -l < DIR/manifest.csv) - 1 )) scenarios/studies/slurm_array.sh DIR
#   # when the array is done (or at any time, for what is done so far):
#   backsim aggregate DIR && backsim compare DIR
#
# Task i runs row i of the manifest (line i + 1: line 1 is the header). A task whose run
# file exists already does nothing, so resubmitting the array after a partial run (time
# limit, node failure) runs only what is missing. A failed run leaves DIR/runs/RUN.failed
# (its exit code and the end of its log), as backsim batch does; backsim aggregate
# lists it as failed. docs/cluster.md.
#SBATCH --job-name=backsim-study
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --time=01:00:00
#SBATCH --output=slurm-%A_%a.out
set -euo pipefail

dir=${1:?usage: sbatch --array=1-N slurm_array.sh STUDY_DIR}
backsim=${BACKSIM:-backsim}
row=$(( ${SLURM_ARRAY_TASK_ID:?not a Slurm array task} + 1 ))
line=$(sed -n "${row}p" "$dir/manifest.csv")
[ -n "$line" ] || { echo "no run on line $row of $dir/manifest.csv" >&2; exit 2; }
# run ids, scenario paths and digests never contain commas or quotes: cut is enough
run=$(cut -d, -f1 <<< "$line")
scenario=$(cut -d, -f2 <<< "$line")
sha=$(cut -d, -f5 <<< "$line")

mkdir -p "$dir/runs" "$dir/logs"
[ -f "$dir/runs/$run.h5" ] && exit 0
rm -f "$dir/runs/$run.failed"
code=0
"$backsim" run "$dir/$scenario" -o "$dir/runs/$run.h5" -q --threads "${SLURM_CPUS_PER_TASK:-1}" \
  > "$dir/logs/$run.log" 2>&1 || code=$?
# 130: interrupted (scancel, time limit): not a failure, the run is just not done
if [ "$code" -ne 0 ] && [ "$code" -ne 130 ]; then
  { echo "exit_code $code"; echo "scenario_sha256 $sha"; tail -n 20 "$dir/logs/$run.log"; } > "$dir/runs/$run.failed.partial"
  mv "$dir/runs/$run.failed.partial" "$dir/runs/$run.failed"
fi
exit "$code"
