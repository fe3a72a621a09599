#!/usr/bin/env python3
"""Median wall time of a command: timeit.py REPEAT cmd args...  (stdout/stderr discarded)."""
import statistics
import subprocess
import sys
import time

repeat = int(sys.argv[1])
cmd = sys.argv[2:]
times = []
for _ in range(repeat):
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    times.append(time.perf_counter() - t0)
print(f"{statistics.median(times):.4f}")
