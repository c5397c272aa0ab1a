#!/usr/bin/env python3
"""Fit the tone law's relaxation rate k_r to Eriksson Crommert 2015.

Runs scenarios/calibration/eriksson_crommert_2015.toml with candidate values of
[physiology] relaxation_rate and finds, by the secant method on log(k_r), the
value at which the left lumbar erector spinae's shear modulus is 5.2 % below its
baseline immediately after the 7-minute massage. Prints every evaluation and the
fitted value; the recovery 3 minutes later is reported as a check (it is set by
the recovery time tau_rec, not fitted).

usage: fit_tone.py [--backsim build/bin/backsim] [--target 5.2] [--start 0.005]
Needs python3 with numpy and h5py. Each evaluation is one run (about a minute).
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "eriksson_crommert_2015.toml")
REGION = "erector_spinae_lumbar_left"
BASELINE_T, AFTER_T, LATER_T = 10.0, 430.0, 610.0  # s, from the scenario's timing


def modulus_changes(run_file):
    """(drop immediately after, change 3 min later), % of the baseline modulus."""
    with h5py.File(run_file, "r") as f:
        names = [n.decode() if isinstance(n, bytes) else n for n in f["metrics/summary/region_names"][:]]
        times = f["frames/time"][:]
        mu = f["metrics/regions/shear_modulus"][:, names.index(REGION)]

    def at(t):
        k = int(np.argmin(np.abs(times - t)))
        if abs(times[k] - t) > 1e-6:
            sys.exit(f"no frame at t = {t} s in {run_file} (nearest {times[k]} s)")
        return mu[k]

    base = at(BASELINE_T)
    return 100.0 * (base - at(AFTER_T)) / base, 100.0 * (at(LATER_T) - base) / base


def evaluate(backsim, rate, workdir):
    scenario = os.path.join(workdir, f"k_r_{rate:.6g}.toml")
    with open(SCENARIO) as src, open(scenario, "w") as dst:
        dst.write(src.read())
        dst.write(f'relaxation_rate = "{rate!r} 1/s"\n')  # the file ends in [physiology]
    run_file = scenario.replace(".toml", ".h5")
    subprocess.run([backsim, "run", scenario, "-o", run_file, "--quiet"], check=True)
    drop, later = modulus_changes(run_file)
    print(f"k_r = {rate:.6g} 1/s: modulus -{drop:.3f} % after 7 min, {later:+.3f} % 3 min later", flush=True)
    return drop, later


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backsim", default=os.path.join(HERE, "..", "..", "build", "bin", "backsim"))
    parser.add_argument("--target", type=float, default=5.2, help="modulus drop to fit, %%")
    parser.add_argument("--start", type=float, default=0.005, help="first k_r, 1/s")
    parser.add_argument("--tolerance", type=float, default=0.05, help="on the drop, percentage points")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        x0 = math.log(args.start)
        f0 = evaluate(args.backsim, args.start, workdir)[0] - args.target
        x1 = x0 + math.log(2.0)
        f1 = evaluate(args.backsim, math.exp(x1), workdir)[0] - args.target
        for _ in range(12):
            if abs(f1) <= args.tolerance:
                break
            x0, x1 = x1, x1 - f1 * (x1 - x0) / (f1 - f0)
            f0 = f1
            f1 = evaluate(args.backsim, math.exp(x1), workdir)[0] - args.target
        else:
            sys.exit("the secant iteration did not converge")
    print(f"fitted relaxation_rate = {math.exp(x1):.4g} 1/s (drop {f1 + args.target:.3f} %)")


if __name__ == "__main__":
    main()
