#!/usr/bin/env python3
"""Time several commands in interleaved rounds; print JSON {name: {"median": s, "min": s}}.

    measure.py REPEAT SPEC.json

SPEC.json is a list of {"name": ..., "cmd": [argv...], "env": {optional extra env}}. Each round
runs every command once, in order, so a burst of load on a shared machine hits all of them
alike instead of one measurement's repeats; stdout/stderr are discarded.
"""
import json
import os
import statistics
import subprocess
import sys
import time

repeat = int(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as f:
    spec = json.load(f)
times = {s["name"]: [] for s in spec}
for _ in range(repeat):
    for s in spec:
        env = dict(os.environ, **s.get("env", {}))
        t0 = time.perf_counter()
        subprocess.run(s["cmd"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        times[s["name"]].append(time.perf_counter() - t0)
print(json.dumps({k: {"median": statistics.median(v), "min": min(v)} for k, v in times.items()}))
