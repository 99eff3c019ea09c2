"""Platform adapters: each converts platform events in and neutral messages out."""
