# CLI tests (cli room)
