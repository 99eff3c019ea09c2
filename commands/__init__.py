"""The cooperative's logic, platform-neutral: commands, events, messages, translations."""
