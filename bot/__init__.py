"""Running grappe: settings, CLI, adapters, outbox delivery, scheduler, HTTP endpoints."""
