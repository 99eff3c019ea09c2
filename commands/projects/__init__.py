"""After the win: a request's budget, the team's shares, the time each enterprise logs
against what it planned, and the summary when it is delivered (issue #22)."""
