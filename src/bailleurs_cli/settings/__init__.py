"""The settings: ``config.toml`` read, checked and written."""
