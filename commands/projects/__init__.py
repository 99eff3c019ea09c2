"""After the win: a request's budget, the team's shares, the time each enterprise logs
against what it planned, and the summary when it is delivered (issue #22)."""

# the yearly report and the projects' export, for the command line: imported when used
LOADED_WHEN_USED = ("export", "ledger", "report", "sections")
