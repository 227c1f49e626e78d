"""Reads wrk --latency output on stdin; prints requests/s, p50 and p99 in ms, and
the count of non-2xx/3xx answers."""
import re
import sys

text = sys.stdin.read()


def ms(label):
    m = re.search(r"^\s*" + re.escape(label) + r"\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not m:
        return float("nan")
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]


rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print("%10.0f %8.2f %8.2f %6s" % (
    float(rps.group(1)) if rps else float("nan"),
    ms("50%"),
    ms("99%"),
    errors.group(1) if errors else "0",
))
