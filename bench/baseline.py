#!/usr/bin/env python3
"""The peer baseline: what python-fitbit users do with intraday heart rate.

    /usr/bin/python3 bench/baseline.py JSON_DIR OUT.csv

JSON_DIR holds one Fitbit heart-rate intraday answer per day, named
YYYY-MM-DD.json (the bench driver writes them from fitexport's raw cache).
For each day: json.load, a pandas DataFrame of
activities-heart-intraday.dataset, a datetime column from the day and the
"HH:MM:SS" time; then one concat and to_csv. Prints one JSON line: rows,
seconds (load to CSV written), and the versions used.
"""
import json
import os
import platform
import sys
import time

import pandas as pd


def peak_rss():
    """VmHWM in bytes: getrusage's ru_maxrss would include the parent's
    peak, which Linux carries over into an exec'd child."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def main():
    src, out = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    frames = []
    for name in sorted(os.listdir(src)):
        if not name.endswith(".json"):
            continue
        day = name[: -len(".json")]
        with open(os.path.join(src, name)) as f:
            doc = json.load(f)
        df = pd.DataFrame(doc["activities-heart-intraday"]["dataset"])
        if df.empty:
            continue
        df["time"] = pd.to_datetime(day + " " + df["time"], format="%Y-%m-%d %H:%M:%S")
        df = df.rename(columns={"value": "bpm"})
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    df.to_csv(out, index=False)
    seconds = time.perf_counter() - start
    print(json.dumps({"rows": len(df), "seconds": seconds, "peak_rss": peak_rss(),
                      "pandas": pd.__version__, "python": platform.python_version()}))


if __name__ == "__main__":
    main()
