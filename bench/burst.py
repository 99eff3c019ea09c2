"""The platforms' limits (issue #21): a burst of 30 answers on one card, on the fake Web
API with Slack's tiers and on a Synapse at its default message limit.

    python -m bench.burst

The burst is the one ``make test`` already runs and checks (tests/slack/test_tiers.py,
tests/matrix/test_rate_limits.py: every answer kept, the final tally on the card, no
message failed); here it runs alone and its figures are kept: the time from the last
answer sent to the card showing the final tally, and the calls it cost (the 429s and
the messages paused by ``M_LIMIT_EXCEEDED`` among them). Figures, not verdicts: the
issue sets no bar on them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import machine, table, write_result
from bench.slack_ack import ROOT
from tests.hardening.figures import PLATFORM_LIMITS as SECTION

TESTS = ("tests/slack/test_tiers.py", "tests/matrix/test_rate_limits.py")


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="grappe-burst-") as tmp:
        target = Path(tmp) / "figures.json"
        env = {**os.environ, "GRAPPE_FIGURES_JSON": str(target), "PYTHONPATH": str(ROOT)}
        env.pop("GRAPPE_TEST_DATABASE_URL", None)  # one backend: the burst is the platform's
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly",
                               "-p", "no:cacheprovider", *TESTS], cwd=ROOT, env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"the burst tests failed:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}")
        found = json.loads(target.read_text())["figures"].get(SECTION, {})
    return {"machine": machine(), "figures": found}


def main() -> None:
    result = run()
    rows = [(name, value) for name, value in result["figures"].items()]
    print("\nA burst of 30 answers on one card (3 rounds of 10 members)")
    print(table(("figure", "value"), rows))
    print(f"written to {write_result('burst', result)}")


if __name__ == "__main__":
    main()
