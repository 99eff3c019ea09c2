"""``python -m tests.hardening.crash.launch LEASE_SECONDS <grappe arguments…>``: the real
``grappe`` command line, with the outbox lease shortened to LEASE_SECONDS.

A row leased by a bot that was killed is sent again once its lease ends (60 s in
production, where several replicas may share the outbox). The campaigns run one bot at a
time, so a short lease is as safe and spares a minute of waiting after each crash.
"""

from __future__ import annotations

import sys
from datetime import timedelta

import bot.outbox
from bot.cli import main

if __name__ == "__main__":
    bot.outbox.LEASE = timedelta(seconds=float(sys.argv[1]))
    sys.argv = ["grappe", *sys.argv[2:]]
    main()
